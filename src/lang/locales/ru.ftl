# Страницы участников Convene: русский. Те же сообщения, что и в en.ftl.

## Даты и время
format-day = %A, %-d %B %Y
format-time = %H:%M
when-timed = { $day }, { $start }–{ $end }
when-timed-span = { $start_day } { $start } – { $end_day } { $end }
when-all-day-range = { $start } – { $end }
utc-offset = UTC{ $offset }

## Оформление страницы
site-name = Convene
footer = Convene: опросы о датах встреч в разных часовых поясах.
language-label = Язык
zone-legend = Часовой пояс
zone-label = Показывать время в поясе
zone-submit = Показать
zone-current = Время указано в поясе { $zone }.
zone-error = «{ $zone }» — не часовой пояс. Выберите пояс из списка.
location-label = Место
deadline = Голосование закрывается: { $when }.

## Кто отвечает
greeting-invited = Здравствуйте, { $name }! Какие из этих дат вам подходят?
greeting-open = Какие из этих дат вам подходят? Ответить может любой, у кого есть эта страница.
greeting-respondent = Здравствуйте, { $name }! Это ваш ответ. Его можно изменить до закрытия голосования.
no-answer-yet = Вы ещё не ответили.

## Состояние опроса
status-closed = Голосование закрыто. Ответы больше нельзя изменить.
status-cancelled = Этот опрос отменён. Дата выбрана не будет.
status-confirmed = Дата утверждена.
saved = Спасибо. Ваш ответ сохранён; его можно изменить до закрытия голосования.
private-link-intro = Сохраните эту личную ссылку, чтобы позже посмотреть или изменить свой ответ. Любой, у кого она есть, может изменить ваш ответ, поэтому никому её не передавайте.
private-link-label = Ваша личная ссылка

## Форма
options-heading = Даты
choice-yes = Да
choice-if-need-be = При необходимости
choice-no = Нет
outside-social-hours = Вне вашего обычного времени ({ $start }–{ $end } по местному времени)
name-label = Ваше имя
comment-label = Комментарий (необязательно)
comment-hint = Не более { $max } символов.
submit-first = Отправить ответ
submit-change = Сохранить изменения

## Результаты
results-heading = Ответы на данный момент
results-final-heading = Ответы
results-yes = Да
results-if-need-be = При необходимости
results-no = Нет
results-no-answer = Нет ответа
results-leading = Лидирует
results-respondents = { $count ->
    [one] Пока { $count } ответ.
    [few] Пока { $count } ответа.
    [many] Пока { $count } ответов.
   *[other] Пока { $count } ответа.
}
results-after-voting = Ответы других участников будут видны после того, как вы ответите.
results-organisers-only = Ответы на этот опрос видит только организатор.
results-counts-only = В этом опросе показываются только итоги: имена и отдельные ответы не показываются никогда.

## После утверждения
confirmed-heading = Выбранная дата
add-to-calendar = Добавить в мой календарь (файл .ics)
subscribe-feed = Подписаться на календарь этих встреч

## Ошибки
error-summary-heading = Ваш ответ не сохранён
error-summary = Исправьте отмеченное ниже и отправьте ответ ещё раз.
error-unknown-option = В форме указана дата, которой в опросе больше нет. Обновите страницу и ответьте заново.
error-choice = Выберите «да», «при необходимости» или «нет».
error-if-need-be = В этом опросе нет варианта «при необходимости».
error-comment-long = Комментарий слишком длинный: не более { $max } символов.
error-comment-invalid = Комментарий содержит символы, которые нельзя сохранить.
error-name-required = Введите своё имя.
error-name-invalid = Введите имя длиной не более { $max } символов в одну строку.
error-closed = Голосование закрыто, поэтому ваш ответ не сохранён.
error-too-many = Сейчас из вашей сети поступает слишком много ответов. Повторите попытку через минуту.
not-found-heading = Эта ссылка не работает
not-found-text = Возможно, её заменили новой или опрос был удалён. Попросите у организатора действующую ссылку.
invite-only-text = Этот опрос только для приглашённых: воспользуйтесь присланной вам личной ссылкой.

## Письма
mail-invitation-subject = Какие даты вам подходят? { $title }
mail-vote-link = Ответьте на своей личной странице (ссылка предназначена только вам: не пересылайте её):
mail-vote-button = Ответить на моей странице
mail-footer = Отправлено автоматически сервисом Convene по поручению организатора опроса. Ответы можно изменить до закрытия голосования.
mail-reminder-subject = Напоминание: какие даты вам подходят? { $title }
mail-reminder-intro = Вы ещё не ответили.
mail-greeting = Здравствуйте, { $name }!
mail-outcome-subject = Утверждено: { $title }
mail-cancel-subject = Отменено: { $title }
mail-calendar-hint = Ваша почтовая программа может добавить это в календарь (приглашение приложено как invite.ics); оно есть и на вашей странице:
mail-footer-outcome = Отправлено автоматически сервисом Convene по поручению организатора опроса.

## Hybrid meetings, days and seats
mail-seat-subject = Место для вас: { $title }
mail-seat-given = Освободилось место для очного участия, теперь оно ваше:
mail-attendance = Вы указали, как будете участвовать: { $mode }
attendance-legend = Как вы будете участвовать?
attendance-in-person = Очно
attendance-online = Онлайн
per-day-hint = Ответьте за каждый день.
seat-taken = У вас есть место для очного участия.
seat-waiting = Вы в листе ожидания на место для очного участия.
seats-summary = Занято мест для очного участия: { $taken } из { $capacity }, в ожидании: { $waiting }
results-in-person = Очно
results-online = Онлайн
error-attendance = Укажите, как вы будете участвовать: очно или онлайн.
error-days = Ответьте за каждый день этого варианта.

## Консоль: вход
console-name = Консоль Convene
console-sign-in-heading = Вход
console-sign-in-intro = Введите адрес, который вы используете в своём рабочем пространстве. Мы пришлём вам по почте ссылку для входа.
console-email-label = Адрес электронной почты
console-send-link = Прислать ссылку для входа
console-error-email = Введите адрес электронной почты, например name@example.org.
console-errors-heading = Есть проблема
console-sent-heading = Проверьте почту
console-sent-text = Если адрес { $email } принадлежит участнику рабочего пространства, ссылка для входа уже в пути. Она действует один раз в течение 15 минут.
console-confirm-heading = Вход
console-confirm-text = Эта ссылка один раз открывает вход в консоль на этом устройстве.
console-confirm-button = Войти
console-link-refused-heading = По этой ссылке войти нельзя
console-link-used = Эта ссылка для входа уже использована. Запросите новую.
console-link-expired = Срок действия ссылки истёк: ссылки действуют 15 минут. Запросите новую.
console-link-unknown = Эта ссылка для входа недействительна. Запросите новую.
console-new-link = Запросить новую ссылку
console-forged-heading = Запрос отклонён
console-forged-text = Эта форма отправлена не со страницы этого сайта, или страница устарела. Ничего не изменено. Откройте страницу заново и повторите попытку.
console-too-many-heading = Слишком много запросов
console-too-many-text = Запрошено слишком много ссылок для входа. Повторите попытку через { $minutes } мин.
console-signed-in-as = Вы вошли как { $name } в { $workspace } ({ $role })
console-sign-out = Выйти
console-signed-out = Вы вышли из системы.
console-role-owner = владелец
console-role-editor = редактор
console-role-viewer = читатель
console-home-heading = Консоль
console-polls-heading = Опросы
console-no-polls = Опросов пока нет.
console-poll-title = Опрос
console-poll-status = Состояние
console-poll-responses = Ответы
console-status-open = открыт
console-status-closed = закрыт
console-status-confirmed = подтверждён
console-status-cancelled = отменён
console-api-hint = Пока в консоли есть не всё, остальное делает API:
mail-sign-in-subject = Ваша ссылка для входа в Convene
mail-sign-in-text = Кто-то (надеемся, что вы) запросил вход в консоль Convene с этим адресом. Откройте эту ссылку, чтобы войти:
mail-sign-in-button = Войти в Convene
mail-sign-in-expiry = Ссылка действует один раз в течение 15 минут.
mail-sign-in-ignore = Если вы этого не запрашивали, просто проигнорируйте письмо: без ссылки войти никто не сможет.
console-new-poll = Новый опрос
console-new-poll-heading = Новый опрос
console-not-allowed-heading = Нет доступа
console-not-allowed-text = Ваша роль в этом рабочем пространстве — { $role }: для этого нужен редактор или владелец. Ничего не изменено.
console-field-title = Название
console-field-description = Описание (необязательно)
console-field-location = Место (необязательно)
console-field-time-zone = Часовой пояс опроса
console-hint-time-zone = Пояс IANA, например Europe/Vienna или Asia/Tokyo: в нём вводятся варианты со временем.
console-field-deadline = Срок (необязательно)
console-hint-deadline = В часовом поясе опроса. Голосование тогда остановится само.
console-field-voting = Кто может отвечать
console-voting-open = Любой, у кого есть ссылка на опрос, под своим именем
console-voting-invite-only = Только приглашённые участники, по своей ссылке
console-field-results-visibility = Кто видит результаты
console-visibility-everyone = Все, кто может отвечать
console-visibility-after-voting = Те, кто ответил
console-visibility-organisers = Только рабочее пространство
console-field-allow-if-need-be = Предлагать «если нужно» наряду с «да» и «нет»
console-field-show-voter-names = Показывать имена рядом с ответами
console-field-aggregate-only = Публиковать только итоги, без имён и ответов
console-field-reminders = Автоматические напоминания (необязательно)
console-hint-reminders = До срока, тем, кто не ответил: длительности ISO 8601 через запятую, например P3D, PT24H.
console-options-heading = Варианты
console-options-hint = Диапазон целых дней (с первого по последний) или интервал времени в поясе опроса. Пустая строка пропускается.
console-option-legend = Вариант { $n }
console-kind-all-day = Целые дни
console-kind-timed = Со временем
console-field-start-date = Первый день
console-field-end-date = Последний день
console-field-start = Начало
console-field-end = Конец
console-create-poll = Создать опрос
console-more-rows = Больше строк для вариантов
console-sections = Разделы
console-groups-heading = Группы
console-no-groups = Групп пока нет.
console-group-name = Название группы
console-group-members = Участники
console-new-group = Новая группа
console-group-paste = Участники, по одному в строке
console-group-paste-hint = Имя <адрес>, пояс, язык, например: Yoichi <yoichi@example.org>, Asia/Tokyo, ja. Адрес и язык можно не указывать. Читается и CSV со строкой заголовков (name, email, time_zone, language).
console-lines-wrong = Строк с ошибками: { $count }. Ничего не сохранено.
console-create-group = Создать группу
console-group-count = Участников: { $count }
console-member-name = Имя
console-member-zone = Часовой пояс
console-member-language = Язык
console-member-actions = Действия
console-remove-member = Удалить: { $name }
console-add-members = Добавить участников
console-add-members-button = Добавить
console-not-found-heading = Не найдено
console-not-found-text = В вашем рабочем пространстве здесь ничего нет.
console-invitations-heading = Приглашения
console-no-invitations = Пока никто не приглашён.
console-invited-count = Приглашено: { $count }
console-answered = Ответил(а)
console-required = Обязательно
console-mail-state = Письмо
console-yes = да
console-no = нет
console-invite-group = Пригласить группу
console-invite-required = Их ответы обязательны
console-invite-send-email = Отправить им приглашение по почте
console-preview = Предпросмотр
console-preview-heading = Перед приглашением
console-preview-summary = Писем: { $mailed } из { $count } участников.
console-preview-mail = Письмо
console-preview-mailed-in = отправляется, язык: { $language }
console-preview-no-address = без письма: нет адреса
console-preview-not-configured = без письма: у сервиса нет почтового сервера
console-preview-already-invited = уже приглашён(а)
console-preview-no-mail-asked = без письма: письмо не запрошено
console-invite-now = Пригласить
console-conflict-heading = Сейчас это невозможно

## The console's polls and a poll's page
console-filter-status = Показать опросы
console-filter-all = все
console-filter-button = Показать
console-no-polls-filtered = Нет опросов в этом состоянии.
console-more-polls = Более ранние опросы
console-none = нет
console-poll-deadline = Срок
console-poll-rate = Доля ответивших
console-poll-next-reminder = Следующее напоминание
console-poll-zone = Часовой пояс
console-poll-location = Место
console-poll-voting = Кто голосует
console-rate = Ответили { $answered } из { $invited } ({ $percent } %)
console-answers = { $count ->
    [one] { $count } ответ
    [few] { $count } ответа
    [many] { $count } ответов
   *[other] { $count } ответа
}
console-back-to-polls = Все опросы
console-back-to-poll = Вернуться к опросу
console-confirmed-option = Утверждённый вариант
console-actions-heading = Закрыть, открыть снова, утвердить или отменить
console-confirm-choose = Вариант для утверждения
console-confirm-preview = Посмотреть, что произойдёт при утверждении
console-close = Закрыть голосование
console-reopen = Снова открыть голосование
console-cancel = Отменить опрос
console-option = Вариант
console-results-heading = Результаты
console-ranking-rule = Сначала идут варианты, подходящие всем обязательным участникам, затем те, где больше доступных (да и если нужно), затем больше ответов «да», затем более раннее начало, затем порядок в списке.
console-top-tied = Лидирующие варианты равны: выберите, какой утвердить.
console-tied = ничья
console-counts-yes = Да:
console-counts-if-need-be = Если нужно:
console-counts-no = Нет:
console-counts-no-answer = Без ответа:
console-counts-required = Обязательных участников доступно:
console-counts-outside = Вне их удобных часов:
console-quorum-met = кворум есть
console-quorum-not-met = кворума нет
console-why-ahead = Впереди следующего варианта: { $why }.
console-why-behind = Позади варианта выше: { $why }.
console-why-only = Единственный вариант.
console-why-per-day = Ответы по дням: учитываются те, кто доступен во все дни.
console-why-required = подходит всем обязательным участникам
console-why-available = больше доступных участников ({ $mine } против { $theirs })
console-why-yes = столько же доступных, больше «да» ({ $mine } против { $theirs })
console-why-earlier = те же числа, и он начинается раньше
console-why-listed = те же числа и начало, и он стоит раньше в списке
console-heat-heading = Доступность по часовым поясам
console-heat-hint = Каждая строка — часовой пояс с числом участников; каждый столбец — вариант: доля участников пояса, которым он подходит, и его начало по их часам. «(+1)» — следующий день по сравнению с поясом опроса; «(-1)» — предыдущий.
console-zone = Часовой пояс
console-member = Участник
console-members = Участники
console-grid-heading = Участники и их ответы
console-grid-silent-heading = Участники, которые не ответили
console-grid-legend = ✓ да, (✓) если нужно, ✗ нет, – нет ответа. Столбцы — варианты по номерам.
console-grid-everyone = Показать всех участников
console-grid-silent-link = Показать всех, кто не ответил
console-page-of = Страница { $page } из { $pages }
console-pages = Страницы
console-previous-page = Предыдущая страница
console-next-page = Следующая страница
console-choice-yes = да
console-choice-if-need-be = если нужно
console-choice-no = нет
console-choice-none = нет ответа
console-outcome-mail = Приглашение в календарь
console-silent-heading = Ещё не ответили
console-silent-count = { $count ->
    [one] { $count } приглашённый участник не ответил.
    [few] { $count } приглашённых участника не ответили.
    [many] { $count } приглашённых участников не ответили.
   *[other] { $count } приглашённого участника не ответили.
}
console-mail-queued = письмо ждёт отправки
console-mail-sent = письмо отправлено
console-mail-failed = письмо не ушло: { $error }
console-mail-dropped = письмо не отправлено
console-mail-no-address = нет адреса почты
console-mail-none = письма ещё не было
console-done-close = Голосование закрыто.
console-done-reopen = Голосование снова открыто.
console-done-confirm = Вариант утверждён; приглашения в календарь отправляются.
console-done-cancel = Опрос отменён.
console-preview-option = Вариант в часовом поясе опроса:
console-preview-zones = Его время по каждым часам
console-preview-invitees = Каждый приглашённый участник
console-preview-mailed = { $count } из { $invited } приглашённых участников получат событие письмом, как приглашение в календарь.
console-preview-no-mail = Эта служба не отправляет почту (она не настроена): писем не будет никому.
console-confirm-and-mail = Утвердить и написать приглашённым участникам: { $count }
console-confirm-button-plain = Утвердить вариант
console-mailed-yes = получит письмо
console-mailed-not-configured = письма не отправляются
console-local-time = Местные дата и время
console-error-option = Выберите один из вариантов опроса для утверждения. Ничего не изменено.
console-conflict-stale = Кто-то изменил этот опрос после того, как вы открыли страницу. Ничего не изменено: посмотрите на опрос в его нынешнем виде и повторите.
console-conflict-move = Сейчас опрос в состоянии «{ $status }», и этот шаг невозможен. Ничего не изменено.
console-required-mark = (обязательный)
console-confirm-preview-heading = Утвердить вариант
console-confirm-mail-column = Приглашение в календарь по почте
console-conflict-changed-heading = Опрос изменился

# console: edit and invitation actions
console-edit-poll-heading = Изменить опрос
console-save-poll = Сохранить изменения
console-option-remove = Удалить этот вариант
console-new-option-legend = Новый вариант { $n }
console-edit-options-hint = Измените дни или время варианта, отметьте «Удалить этот вариант», чтобы удалить его, или заполните пустую строку, чтобы добавить новый. Интервалы времени указываются в поясе опроса.
console-edit-zone-hint = Если вы его измените, варианты и срок, оставленные без изменений, сохранят свой момент времени; то, что вы введёте заново, читается в новом поясе.
console-edit-conflict = Кто-то изменил этот опрос после того, как вы открыли форму. Ничего не сохранено: откройте форму снова, чтобы увидеть опрос в его нынешнем виде, и повторите изменения.
console-edit-reload = Открыть форму снова
console-done-edit = Изменения сохранены.
console-back-to-invitations = Вернуться к приглашениям
console-reissue = Новая ссылка: { $name }
console-reissued-heading = Новая ссылка для участника { $name }
console-reissued-text = Старая ссылка больше не работает; ответ сохраняется. Отправьте новую ссылку сами: она показана только здесь.
console-reissued-link = Новая личная ссылка
console-proxy-link = Записать ответ: { $name }
console-proxy-heading = Записать ответ участника { $name }
console-proxy-intro = Для участника, ответившего по телефону или по почте. Ответ будет отмечен как записанный вами; если участник позже ответит сам, его ответ заменит этот.
console-proxy-choose = Выберите ответ для этого варианта.
console-proxy-record = Записать ответ
console-proxy-closed = Голосование по этому опросу закрыто, поэтому ответ записать нельзя. Ничего не изменено.
console-done-proxy = Ответ записан.
console-remind-heading = Напомнить сейчас
console-remind-whom = Кому напомнить
console-remind-everyone = Всем, кто не ответил
console-remind-required-only = Только обязательным участникам, которые не ответили
console-remind-preview = Предпросмотр напоминаний
console-remind-preview-heading = Перед отправкой напоминаний
console-remind-summary = Напоминания: { $mailed } из { $count } участников, которые не ответили.
console-remind-send = Отправить напоминания ({ $count })
console-remind-who = Кто получит напоминание
console-remind-sample = Напоминание на языке «{ $language }», как его получит { $name }
console-remind-already-queued = письмо не отправляется: напоминание уже ждёт отправки
console-remind-closed = Голосование по этому опросу закрыто, поэтому напоминания не отправляются. Ничего не отправлено.
console-done-remind = Напоминаний в очереди: { $count }.

## Free/busy: the member's calendar
calendar-heading = Ваш календарь
calendar-intro = Подключите свой календарь, чтобы увидеть, в какие даты вы заняты. Сохраняется только занятое время, но не содержание событий; отметки ничего не решают — отвечаете вы сами.
calendar-url-label = ICS-адрес вашего календаря (https:// или webcal://)
calendar-file-label = Или загрузите файл календаря (.ics)
calendar-connect = Подключить календарь
calendar-disconnect = Отключить и удалить
calendar-from-address = Занятое время из { $host }, прочитано { $when }.
calendar-from-file = Занятое время из загруженного файла, прочитано { $when }.
calendar-read-failed = Последнее чтение вашего календаря не удалось: { $reason }
calendar-refused = Этот календарь нельзя использовать: { $reason }
calendar-nothing-given = Укажите адрес календаря или выберите файл.
calendar-busy = По вашему календарю вы заняты.
## Single sign-on (OpenID Connect)
console-oidc-sign-in = Войти через вашу организацию
console-oidc-refused-heading = Вход не выполнен
console-oidc-start-again = Вернуться на страницу входа
console-oidc-refused-unknown-state = Этот вход был начат не здесь или слишком давно. Начните заново со страницы входа.
console-oidc-refused-replayed-state = Этот вход уже был завершён; каждый вход можно использовать только один раз. Начните заново со страницы входа.
console-oidc-refused-expired-state = Этот вход занял больше 10 минут, и срок его действия истёк. Начните заново со страницы входа.
console-oidc-refused-other-browser = Этот вход был начат в другом браузере (или его файл cookie был заблокирован). Начните заново в этом браузере.
console-oidc-refused-provider-denied = Служба входа вашей организации не выполнила вход (он был отменён или отклонён там).
console-oidc-refused-wrong-issuer = Ответ пришёл не от службы входа вашей организации, поэтому он не принят.
console-oidc-refused-code-refused = Служба входа вашей организации не приняла этот вход (возможно, он уже был использован). Начните заново со страницы входа.
console-oidc-refused-no-id-token = Служба входа вашей организации не сообщила, кто вы, поэтому вход не выполнен.
console-oidc-refused-wrong-audience = Токен удостоверения выдан для другого приложения, поэтому он не принят.
console-oidc-refused-wrong-nonce = Токен удостоверения не относится к этому входу, поэтому он не принят.
console-oidc-refused-expired-token = Срок действия токена удостоверения истёк, поэтому он не принят. Начните заново со страницы входа.
console-oidc-refused-bad-signature = Не удалось проверить подпись токена удостоверения, поэтому он не принят.
console-oidc-refused-invalid-token = Токен удостоверения недействителен, поэтому он не принят.
console-oidc-refused-no-email = Служба входа вашей организации не сообщила адрес электронной почты, поэтому вход не выполнен.
console-oidc-refused-email-not-verified = Служба входа вашей организации не подтвердила ваш адрес электронной почты, поэтому не может выполнить вход здесь.
console-oidc-refused-not-allowed = Ни в одном рабочем пространстве здесь нет вашего адреса электронной почты, а адреса вашего домена не могут создать новое. Попросите владельца вашего рабочего пространства добавить вас.
console-oidc-refused-provider-unavailable = Служба входа вашей организации сейчас недоступна. Повторите попытку через несколько минут.
console-oidc-refused-internal = У нас произошла ошибка; ничего не изменено. Повторите попытку через несколько минут.
console-oidc-too-many = С этого адреса начато слишком много входов. Повторите попытку через { $minutes } мин.
