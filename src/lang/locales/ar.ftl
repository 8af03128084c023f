# صفحات الأعضاء في Convene: العربية. الرسائل نفسها الموجودة في en.ftl.

## التواريخ والأوقات
format-day = %A %-d %B %Y
format-time = %H:%M
when-timed = { $day }، { $start }–{ $end }
when-timed-span = { $start_day } { $start } – { $end_day } { $end }
when-all-day-range = { $start } – { $end }
utc-offset = UTC{ $offset }

## إطار الصفحة
site-name = Convene
footer = Convene: استطلاعات لتحديد المواعيد عبر المناطق الزمنية.
language-label = اللغة
zone-legend = المنطقة الزمنية
zone-label = عرض الأوقات حسب المنطقة الزمنية
zone-submit = عرض
zone-current = الأوقات معروضة حسب المنطقة الزمنية { $zone }.
zone-error = «{ $zone }» ليست منطقة زمنية. يُرجى اختيار منطقة من القائمة.
location-label = المكان
deadline = يُغلق باب التصويت في { $when }.

## من يجيب
greeting-invited = مرحبًا { $name }، أيٌّ من هذه المواعيد يناسبك؟
greeting-open = أيٌّ من هذه المواعيد يناسبك؟ يمكن لكل من لديه هذه الصفحة أن يجيب.
greeting-respondent = مرحبًا { $name }، هذه إجابتك. يمكنك تعديلها إلى أن يُغلق باب التصويت.
no-answer-yet = لم تُجب بعد.

## حالة الاستطلاع
status-closed = أُغلق باب التصويت. لم يعد بالإمكان تعديل الإجابات.
status-cancelled = أُلغي هذا الاستطلاع. لن يُحدَّد أي موعد.
status-confirmed = تم تأكيد الموعد.
saved = شكرًا لك. حُفظت إجابتك، ويمكنك تعديلها إلى أن يُغلق باب التصويت.
private-link-intro = احتفظ بهذا الرابط الخاص لتطّلع على إجابتك أو تعدّلها لاحقًا. يستطيع كل من يملكه تعديل إجابتك، فلا تشاركه مع أحد.
private-link-label = رابطك الخاص

## الاستمارة
options-heading = المواعيد
choice-yes = نعم
choice-if-need-be = عند الضرورة
choice-no = لا
outside-social-hours = خارج ساعاتك المعتادة ({ $start }–{ $end } بتوقيتك المحلي)
name-label = اسمك
comment-label = تعليق (اختياري)
comment-hint = { $max } حرف كحد أقصى.
submit-first = إرسال إجابتي
submit-change = حفظ التعديلات

## النتائج
results-heading = الإجابات حتى الآن
results-final-heading = الإجابات
results-yes = نعم
results-if-need-be = عند الضرورة
results-no = لا
results-no-answer = بلا إجابة
results-leading = في الصدارة
results-respondents = { $count ->
    [zero] لا توجد إجابات حتى الآن.
    [one] إجابة واحدة حتى الآن.
    [two] إجابتان حتى الآن.
    [few] { $count } إجابات حتى الآن.
    [many] { $count } إجابة حتى الآن.
   *[other] { $count } إجابة حتى الآن.
}
results-after-voting = تظهر إجابات الآخرين بعد أن تُجيب.
results-organisers-only = لا يرى إجابات هذا الاستطلاع إلا المنظِّم.
results-counts-only = لا يعرض هذا الاستطلاع إلا المجاميع: لا تُعرض الأسماء ولا الإجابات الفردية أبدًا.

## بعد التأكيد
confirmed-heading = الموعد المختار
add-to-calendar = إضافته إلى تقويمي (ملف ‎.ics)
subscribe-feed = الاشتراك في تقويم هذه الاجتماعات

## الأخطاء
error-summary-heading = لم تُحفظ إجابتك
error-summary = يُرجى تصحيح ما هو مشار إليه أدناه، ثم إرسالها مجددًا.
error-unknown-option = تتضمن هذه الاستمارة موعدًا لم يعد موجودًا في الاستطلاع. أعد تحميل الصفحة وأجب من جديد.
error-choice = اختر «نعم» أو «عند الضرورة» أو «لا».
error-if-need-be = لا يتيح هذا الاستطلاع خيار «عند الضرورة».
error-comment-long = التعليق طويل جدًا: { $max } حرف كحد أقصى.
error-comment-invalid = يحتوي التعليق على محارف لا يمكن حفظها.
error-name-required = أدخل اسمك.
error-name-invalid = أدخل اسمًا لا يتجاوز { $max } حرف، في سطر واحد.
error-closed = أُغلق باب التصويت، لذلك لم تُحفظ إجابتك.
error-too-many = وصلت إجابات كثيرة جدًا من شبكتك للتو. يُرجى المحاولة مجددًا بعد دقيقة.
not-found-heading = هذا الرابط لا يعمل
not-found-text = ربما استُبدل برابط أحدث، أو حُذف الاستطلاع. اطلب رابطك الحالي من المنظِّم.
invite-only-text = هذا الاستطلاع مقصور على المدعوّين: استخدم الرابط الخاص الذي أُرسل إليك.

## الرسائل
mail-invitation-subject = أيّ المواعيد تناسبك؟ { $title }
mail-vote-link = أجب في صفحتك الشخصية (هذا الرابط خاص بك وحدك: لا تُعِد توجيهه):
mail-vote-button = الإجابة في صفحتي
mail-footer = أُرسلت هذه الرسالة تلقائيًا من Convene نيابةً عن منظِّم هذا الاستطلاع. يمكنك تعديل إجاباتك إلى أن يُغلق باب التصويت.
mail-reminder-subject = تذكير: أيّ المواعيد تناسبك؟ { $title }
mail-reminder-intro = لم تُجب بعد.
mail-greeting = مرحبًا { $name }،
mail-outcome-subject = تم التأكيد: { $title }
mail-cancel-subject = أُلغي: { $title }
mail-calendar-hint = يستطيع برنامج البريد لديك إضافة هذا إلى تقويمك (الدعوة مرفقة باسم invite.ics)، وهو موجود أيضًا في صفحتك:
mail-footer-outcome = أُرسلت هذه الرسالة تلقائيًا من Convene نيابةً عن منظِّم هذا الاستطلاع.

## Hybrid meetings, days and seats
mail-seat-subject = مقعد لك: { $title }
mail-seat-given = أصبح مقعد للحضور الشخصي متاحًا وهو الآن لك:
mail-attendance = قلت إنك ستحضر: { $mode }
attendance-legend = كيف ستشارك؟
attendance-in-person = حضوريًا
attendance-online = عبر الإنترنت
per-day-hint = أجب عن كل يوم.
seat-taken = لديك مقعد للحضور الشخصي.
seat-waiting = أنت على قائمة الانتظار لمقعد للحضور الشخصي.
seats-summary = المقاعد الحضورية المشغولة { $taken } من { $capacity }، في الانتظار { $waiting }
results-in-person = حضوريًا
results-online = عبر الإنترنت
error-attendance = حدّد كيف ستشارك: حضوريًا أو عبر الإنترنت.
error-days = أجب عن كل يوم من أيام هذا الخيار.

## وحدة التحكم: تسجيل الدخول
console-name = وحدة تحكم Convene
console-sign-in-heading = تسجيل الدخول
console-sign-in-intro = أدخل العنوان الذي تستخدمه في مساحة عملك. سنرسل إليك بالبريد الإلكتروني رابطًا لتسجيل الدخول.
console-email-label = عنوان البريد الإلكتروني
console-send-link = أرسل لي رابط تسجيل الدخول
console-error-email = أدخل عنوان بريد إلكتروني، مثل name@example.org.
console-errors-heading = توجد مشكلة
console-sent-heading = تحقق من بريدك
console-sent-text = إذا كان { $email } يخص شخصًا في مساحة عمل، فإن رابط تسجيل الدخول في طريقه إليك. يعمل مرة واحدة خلال 15 دقيقة.
console-confirm-heading = تسجيل الدخول
console-confirm-text = يتيح لك هذا الرابط تسجيل الدخول إلى وحدة التحكم مرة واحدة على هذا الجهاز.
console-confirm-button = تسجيل الدخول
console-link-refused-heading = هذا الرابط لا يسجل دخولك
console-link-used = استُخدم رابط تسجيل الدخول هذا من قبل. اطلب رابطًا جديدًا.
console-link-expired = انتهت صلاحية رابط تسجيل الدخول هذا: تعمل الروابط لمدة 15 دقيقة. اطلب رابطًا جديدًا.
console-link-unknown = رابط تسجيل الدخول هذا غير صالح. اطلب رابطًا جديدًا.
console-new-link = اطلب رابطًا جديدًا
console-forged-heading = رُفض الطلب
console-forged-text = لم يأتِ هذا النموذج من صفحة في هذا الموقع، أو أن الصفحة قديمة جدًا. لم يتغير شيء. افتح الصفحة مرة أخرى وأعد المحاولة.
console-too-many-heading = طلبات كثيرة جدًا
console-too-many-text = طُلبت روابط تسجيل دخول كثيرة جدًا. أعد المحاولة بعد { $minutes } دقيقة.
console-signed-in-as = سجلت الدخول باسم { $name } في { $workspace } ({ $role })
console-sign-out = تسجيل الخروج
console-signed-out = لقد سجلت الخروج.
console-role-owner = مالك
console-role-editor = محرر
console-role-viewer = مطّلع
console-home-heading = وحدة التحكم
console-polls-heading = الاستطلاعات
console-no-polls = لا توجد استطلاعات بعد.
console-poll-title = الاستطلاع
console-poll-status = الحالة
console-poll-responses = الإجابات
console-status-open = مفتوح
console-status-closed = مغلق
console-status-confirmed = مؤكد
console-status-cancelled = ملغى
console-api-hint = إلى أن تكتمل وحدة التحكم، تتولى واجهة البرمجة الباقي:
mail-sign-in-subject = رابط تسجيل دخولك إلى Convene
mail-sign-in-text = طلب شخص ما (نأمل أن تكون أنت) تسجيل الدخول إلى وحدة تحكم Convene بهذا العنوان. افتح هذا الرابط لتسجيل الدخول:
mail-sign-in-button = تسجيل الدخول إلى Convene
mail-sign-in-expiry = يعمل الرابط مرة واحدة خلال 15 دقيقة.
mail-sign-in-ignore = إذا لم تطلبه، فتجاهل هذه الرسالة: لا يمكن لأحد تسجيل الدخول دون الرابط.
console-new-poll = استطلاع جديد
console-new-poll-heading = استطلاع جديد
console-not-allowed-heading = غير مسموح
console-not-allowed-text = دورك في مساحة العمل هذه هو { $role }: يتطلب هذا محررًا أو مالكًا. لم يتغير شيء.
console-field-title = العنوان
console-field-description = الوصف (اختياري)
console-field-location = المكان (اختياري)
console-field-time-zone = المنطقة الزمنية للاستطلاع
console-hint-time-zone = منطقة IANA مثل Europe/Vienna أو Asia/Tokyo: تُدخل بها الخيارات المحددة بوقت.
console-field-deadline = الموعد النهائي (اختياري)
console-hint-deadline = بتوقيت منطقة الاستطلاع. يتوقف التصويت عندها من تلقاء نفسه.
console-field-voting = من يمكنه الإجابة
console-voting-open = أي شخص لديه رابط الاستطلاع، باسمه
console-voting-invite-only = الأعضاء المدعوون فقط، كل برابطه
console-field-results-visibility = من يرى النتائج
console-visibility-everyone = كل من يمكنه الإجابة
console-visibility-after-voting = من أجابوا
console-visibility-organisers = مساحة العمل فقط
console-field-allow-if-need-be = اعرض «عند الضرورة» إلى جانب نعم ولا
console-field-show-voter-names = اعرض أسماء المجيبين بجانب إجاباتهم
console-field-aggregate-only = انشر المجاميع فقط، دون الأسماء أو الإجابات
console-field-reminders = تذكيرات تلقائية (اختياري)
console-hint-reminders = قبل الموعد النهائي، لمن لم يجيبوا: مُدد ISO 8601 تفصل بينها فواصل، مثل P3D, PT24H.
console-options-heading = الخيارات
console-options-hint = نطاق من أيام كاملة (من اليوم الأول إلى الأخير)، أو فترة زمنية بتوقيت منطقة الاستطلاع. اترك الصف فارغًا لتخطيه.
console-option-legend = الخيار { $n }
console-kind-all-day = أيام كاملة
console-kind-timed = بوقت محدد
console-field-start-date = اليوم الأول
console-field-end-date = اليوم الأخير
console-field-start = يبدأ
console-field-end = ينتهي
console-create-poll = أنشئ الاستطلاع
console-more-rows = صفوف خيارات إضافية
console-sections = الأقسام
console-groups-heading = المجموعات
console-no-groups = لا توجد مجموعات بعد.
console-group-name = اسم المجموعة
console-group-members = الأعضاء
console-new-group = مجموعة جديدة
console-group-paste = الأعضاء، واحد في كل سطر
console-group-paste-hint = الاسم <البريد>، المنطقة الزمنية، اللغة، مثل: Yoichi <yoichi@example.org>, Asia/Tokyo, ja. يمكن إغفال البريد واللغة. يُقرأ أيضًا ملف CSV بصف عناوين (name, email, time_zone, language).
console-lines-wrong = أسطر تحتاج إلى تصحيح: { $count }. لم يُحفظ شيء.
console-create-group = أنشئ المجموعة
console-group-count = عدد الأعضاء: { $count }
console-member-name = الاسم
console-member-zone = المنطقة الزمنية
console-member-language = اللغة
console-member-actions = الإجراءات
console-remove-member = أزل { $name }
console-add-members = أضف أعضاء
console-add-members-button = أضفهم
console-not-found-heading = غير موجود
console-not-found-text = لا يوجد شيء هنا في مساحة عملك.
console-invitations-heading = الدعوات
console-no-invitations = لم يُدعَ أحد بعد.
console-invited-count = المدعوون: { $count }
console-answered = أجاب
console-required = مطلوب
console-mail-state = البريد
console-yes = نعم
console-no = لا
console-invite-group = ادعُ مجموعة
console-invite-required = إجاباتهم مطلوبة
console-invite-send-email = أرسل إليهم دعوتهم بالبريد
console-preview = معاينة
console-preview-heading = قبل الدعوة
console-preview-summary = الرسائل: { $mailed } من { $count } عضوًا.
console-preview-mail = البريد
console-preview-mailed-in = تُرسل، باللغة: { $language }
console-preview-no-address = لا رسالة: لا يوجد عنوان
console-preview-not-configured = لا رسالة: لا تملك هذه الخدمة خادم بريد
console-preview-already-invited = مدعو من قبل
console-preview-no-mail-asked = لا رسالة: لم يُطلب إرسالها
console-invite-now = ادعُهم
console-conflict-heading = غير ممكن الآن

## The console's polls and a poll's page
console-filter-status = عرض الاستطلاعات
console-filter-all = الكل
console-filter-button = عرض
console-no-polls-filtered = لا توجد استطلاعات بهذه الحالة.
console-more-polls = استطلاعات أقدم
console-none = لا يوجد
console-poll-deadline = الموعد النهائي
console-poll-rate = نسبة الردود
console-poll-next-reminder = التذكير التالي
console-poll-zone = المنطقة الزمنية
console-poll-location = المكان
console-poll-voting = من يصوّت
console-rate = ردّ { $answered } من أصل { $invited } ({ $percent }٪)
console-answers = عدد الردود: { $count }
console-back-to-polls = كل الاستطلاعات
console-back-to-poll = العودة إلى الاستطلاع
console-confirmed-option = الخيار المؤكَّد
console-actions-heading = الإغلاق أو إعادة الفتح أو التأكيد أو الإلغاء
console-confirm-choose = الخيار المراد تأكيده
console-confirm-preview = معاينة التأكيد قبل إجرائه
console-close = إغلاق التصويت
console-reopen = إعادة فتح التصويت
console-cancel = إلغاء الاستطلاع
console-option = الخيار
console-results-heading = النتائج
console-ranking-rule = تأتي أولاً الخيارات التي يستطيعها كل الأعضاء المطلوبين، ثم الأكثر توفراً (نعم وعند الضرورة)، ثم الأكثر «نعم»، ثم الأبكر بدءاً، ثم ترتيب القائمة.
console-top-tied = الخيارات المتصدرة متعادلة: اختر واحداً لتأكيده.
console-tied = متعادل
console-counts-yes = نعم:
console-counts-if-need-be = عند الضرورة:
console-counts-no = لا:
console-counts-no-answer = بلا رد:
console-counts-required = الأعضاء المطلوبون المتاحون:
console-counts-outside = خارج ساعاتهم الاجتماعية:
console-quorum-met = النصاب مكتمل
console-quorum-not-met = النصاب غير مكتمل
console-why-ahead = يتقدّم على الخيار التالي: { $why }.
console-why-behind = يأتي بعد الخيار الذي فوقه: { $why }.
console-why-only = الخيار الوحيد.
console-why-per-day = الردود يوماً بيوم: يُحتسب المتاحون في كل الأيام.
console-why-required = يستطيعه كل الأعضاء المطلوبين
console-why-available = عدد أكبر من الأعضاء المتاحين ({ $mine } مقابل { $theirs })
console-why-yes = العدد نفسه من المتاحين، و«نعم» أكثر ({ $mine } مقابل { $theirs })
console-why-earlier = الأعداد نفسها، ويبدأ أبكر
console-why-listed = الأعداد والبداية نفسها، ويأتي أولاً في القائمة
console-heat-heading = التوفر عبر المناطق الزمنية
console-heat-hint = كل صف منطقة زمنية مع عدد أعضائها؛ وكل عمود خيار، مع نسبة أعضاء المنطقة الذين يستطيعونه ووقت بدئه بحسب ساعتهم. «(+1)»: اليوم التالي قياساً إلى المنطقة الزمنية للاستطلاع؛ «(-1)»: اليوم السابق.
console-zone = المنطقة الزمنية
console-member = العضو
console-members = الأعضاء
console-grid-heading = الأعضاء وردودهم
console-grid-silent-heading = الأعضاء الذين لم يردّوا
console-grid-legend = ✓ نعم، (✓) عند الضرورة، ✗ لا، – بلا رد. الأعمدة هي الخيارات بحسب أرقامها.
console-grid-everyone = عرض كل الأعضاء
console-grid-silent-link = عرض كل الأعضاء الذين لم يردّوا
console-page-of = الصفحة { $page } من { $pages }
console-pages = الصفحات
console-previous-page = الصفحة السابقة
console-next-page = الصفحة التالية
console-choice-yes = نعم
console-choice-if-need-be = عند الضرورة
console-choice-no = لا
console-choice-none = بلا رد
console-outcome-mail = دعوة التقويم
console-silent-heading = لم يردّوا بعد
console-silent-count = عدد الأعضاء المدعوين الذين لم يردّوا: { $count }.
console-mail-queued = الرسالة في انتظار الإرسال
console-mail-sent = أُرسلت الرسالة
console-mail-failed = تعذّر إرسال الرسالة: { $error }
console-mail-dropped = لم تُرسل الرسالة
console-mail-no-address = لا يوجد عنوان بريد إلكتروني
console-mail-none = لم تُرسل إليه رسالة بعد
console-done-close = أُغلق التصويت.
console-done-reopen = فُتح التصويت من جديد.
console-done-confirm = تأكّد الخيار؛ ودعوات التقويم في طريقها.
console-done-cancel = أُلغي الاستطلاع.
console-preview-option = الخيار، بحسب المنطقة الزمنية للاستطلاع:
console-preview-zones = وقته على كل ساعة
console-preview-invitees = كل عضو مدعو
console-preview-mailed = يتلقى { $count } من أصل { $invited } من الأعضاء المدعوين الحدث بالبريد، بوصفه دعوة تقويم.
console-preview-no-mail = لا ترسل هذه الخدمة بريداً (لم يُضبط أي بريد): لن تُرسل رسالة إلى أحد.
console-confirm-and-mail = التأكيد ومراسلة الأعضاء المدعوين ({ $count })
console-confirm-button-plain = تأكيد الخيار
console-mailed-yes = ستصله رسالة
console-mailed-not-configured = لا يُرسل بريد
console-local-time = التاريخ والوقت المحليان
console-error-option = اختر أحد خيارات الاستطلاع لتأكيده. لم يتغير شيء.
console-conflict-stale = غيّر شخص آخر هذا الاستطلاع بعد أن فتحت الصفحة. لم يتغير شيء: اطّلع على الاستطلاع كما هو الآن ثم حاول من جديد.
console-conflict-move = حالة الاستطلاع الآن { $status }، فلا يمكن إجراء هذه الخطوة. لم يتغير شيء.
console-required-mark = (مطلوب)
console-confirm-preview-heading = تأكيد الخيار
console-confirm-mail-column = دعوة التقويم بالبريد
console-conflict-changed-heading = تغيّر الاستطلاع

## Free/busy: the member's calendar
calendar-heading = تقويمك
calendar-intro = صِل تقويمك لترى التواريخ التي يُظهرك فيها مشغولًا. لا نحفظ إلا أوقات الانشغال، ولا نحفظ محتوى الأحداث أبدًا؛ هذه العلامات لا تقرر شيئًا، فأنت من يجيب.
calendar-url-label = عنوان ICS لتقويمك (https:// أو webcal://)
calendar-file-label = أو ارفع ملف تقويم (.ics)
calendar-connect = وصل التقويم
calendar-disconnect = فصل وحذف
calendar-from-address = أوقات الانشغال من { $host }، قُرئت في { $when }.
calendar-from-file = أوقات الانشغال من ملف مرفوع، قُرئ في { $when }.
calendar-read-failed = فشلت آخر قراءة لتقويمك: { $reason }
calendar-refused = تعذّر استخدام هذا التقويم: { $reason }
calendar-nothing-given = أدخل عنوان تقويمك أو اختر ملفًا.
calendar-busy = يُظهرك تقويمك مشغولًا.
