# Convene 成员页面：简体中文。消息与 en.ftl 一一对应。

## 日期和时间
format-day = %Y年%-m月%-d日%A
format-time = %H:%M
when-timed = { $day }，{ $start }–{ $end }
when-timed-span = { $start_day } { $start } 至 { $end_day } { $end }
when-all-day-range = { $start } 至 { $end }
utc-offset = UTC{ $offset }

## 页面框架
site-name = Convene
footer = Convene：跨时区的日期投票。
language-label = 语言
zone-legend = 时区
zone-label = 时间显示时区
zone-submit = 显示
zone-current = 时间以 { $zone } 时区显示。
zone-error = “{ $zone }”不是时区。请从列表中选择。
location-label = 地点
deadline = 投票截止时间：{ $when }。

## 答复者
greeting-invited = { $name }，您好！以下哪些日期适合您？
greeting-open = 以下哪些日期适合您？任何持有此页面的人都可以答复。
greeting-respondent = { $name }，您好！这是您的答复。投票截止前您可以随时修改。
no-answer-yet = 您尚未答复。

## 投票状态
status-closed = 投票已截止，答复不能再修改。
status-cancelled = 本次投票已取消，不会确定任何日期。
status-confirmed = 日期已确定。
saved = 谢谢！您的答复已保存；投票截止前您可以随时修改。
private-link-intro = 请保存此专用链接，以便日后查看或修改您的答复。持有该链接的任何人都能修改您的答复，请勿分享。
private-link-label = 您的专用链接

## 表单
options-heading = 备选日期
choice-yes = 可以
choice-if-need-be = 如有必要
choice-no = 不可以
outside-social-hours = 不在您的通常时间内（当地时间 { $start }–{ $end }）
name-label = 您的姓名
comment-label = 备注（可选）
comment-hint = 最多 { $max } 个字符。
submit-first = 提交答复
submit-change = 保存修改

## 结果
results-heading = 目前的答复
results-final-heading = 答复
results-yes = 可以
results-if-need-be = 如有必要
results-no = 不可以
results-no-answer = 未答复
results-leading = 领先
results-respondents = { $count ->
   *[other] 目前共有 { $count } 份答复。
}
results-after-voting = 您答复之后即可看到其他人的答复。
results-organisers-only = 只有组织者能看到本次投票的答复。
results-counts-only = 本次投票只显示统计数字，从不显示姓名和个人答复。

## 确定之后
confirmed-heading = 确定的日期
add-to-calendar = 添加到我的日历（.ics 文件）
subscribe-feed = 订阅这些会议的日历

## 错误
error-summary-heading = 您的答复未保存
error-summary = 请更正下面标出的内容，然后重新提交。
error-unknown-option = 此表单包含本次投票中已不存在的日期。请刷新页面后重新答复。
error-choice = 请选择“可以”“如有必要”或“不可以”。
error-if-need-be = 本次投票不提供“如有必要”选项。
error-comment-long = 备注太长：最多 { $max } 个字符。
error-comment-invalid = 备注中含有无法保存的字符。
error-name-required = 请输入您的姓名。
error-name-invalid = 请输入不超过 { $max } 个字符的单行姓名。
error-closed = 投票已截止，因此您的答复未保存。
error-too-many = 您所在的网络刚刚提交了太多答复。请一分钟后再试。
not-found-heading = 此链接无效
not-found-text = 它可能已被新链接取代，或者投票已被删除。请向组织者索取您当前的链接。
invite-only-text = 本次投票仅限受邀者参加：请使用发给您的专用链接。

## 邮件
mail-invitation-subject = 哪些日期适合您？{ $title }
mail-vote-link = 请在您的个人页面上答复（此链接仅供您本人使用，请勿转发）：
mail-vote-button = 在我的页面上答复
mail-footer = 本邮件由 Convene 代表本次投票的组织者自动发送。投票截止前您可以随时修改答复。
mail-reminder-subject = 提醒：哪些日期适合您？{ $title }
mail-reminder-intro = 您尚未答复。
mail-greeting = { $name }，您好！
mail-outcome-subject = 已确定：{ $title }
mail-cancel-subject = 已取消：{ $title }
mail-calendar-hint = 您的邮件程序可以将其添加到日历（邀请已作为 invite.ics 附上）；您的页面上也有：
mail-footer-outcome = 本邮件由 Convene 代表本次投票的组织者自动发送。

## Hybrid meetings, days and seats
mail-seat-subject = 为您保留的座位：{ $title }
mail-seat-given = 有一个现场座位空出，现在归您：
mail-attendance = 您表示的参加方式：{ $mode }
attendance-legend = 您将如何参加？
attendance-in-person = 现场参加
attendance-online = 线上参加
per-day-hint = 请逐日回答。
seat-taken = 您已有现场座位。
seat-waiting = 您在现场座位的候补名单上。
seats-summary = 现场座位已占 { $taken } / { $capacity }，候补 { $waiting }
results-in-person = 现场
results-online = 线上
error-attendance = 请说明您将如何参加：现场或线上。
error-days = 请回答此选项的每一天。

## 控制台：登录
console-name = Convene 控制台
console-sign-in-heading = 登录
console-sign-in-intro = 请输入您在工作区中使用的地址。我们会通过电子邮件向您发送登录链接。
console-email-label = 电子邮件地址
console-send-link = 给我发送登录链接
console-error-email = 请输入电子邮件地址，例如 name@example.org。
console-errors-heading = 出现问题
console-sent-heading = 请查收邮件
console-sent-text = 如果 { $email } 属于某个工作区的成员，登录链接已经发出。该链接只能使用一次，15 分钟内有效。
console-confirm-heading = 登录
console-confirm-text = 此链接可让您在本设备上登录控制台一次。
console-confirm-button = 登录
console-link-refused-heading = 此链接无法登录
console-link-used = 此登录链接已被使用。请重新申请。
console-link-expired = 此登录链接已过期：链接的有效期为 15 分钟。请重新申请。
console-link-unknown = 此登录链接无效。请重新申请。
console-new-link = 申请新的链接
console-forged-heading = 请求被拒绝
console-forged-text = 此表单并非来自本网站的页面，或页面已过期。没有作任何更改。请重新打开页面后再试。
console-too-many-heading = 请求过多
console-too-many-text = 申请的登录链接过多。请在 { $minutes } 分钟后再试。
console-signed-in-as = 已以 { $name } 的身份登录 { $workspace }（{ $role }）
console-sign-out = 退出登录
console-signed-out = 您已退出登录。
console-role-owner = 所有者
console-role-editor = 编辑者
console-role-viewer = 查看者
console-home-heading = 控制台
console-polls-heading = 投票
console-no-polls = 还没有投票。
console-poll-title = 投票
console-poll-status = 状态
console-poll-responses = 答复
console-status-open = 进行中
console-status-closed = 已截止
console-status-confirmed = 已确定
console-status-cancelled = 已取消
console-api-hint = 在控制台的全部功能完成之前，其余操作请使用 API：
mail-sign-in-subject = 您的 Convene 登录链接
mail-sign-in-text = 有人（希望是您本人）申请用此地址登录 Convene 控制台。请打开此链接登录：
mail-sign-in-button = 登录 Convene
mail-sign-in-expiry = 该链接只能使用一次，15 分钟内有效。
mail-sign-in-ignore = 如果您没有申请，请忽略此邮件：没有链接，任何人都无法登录。
console-new-poll = 新建投票
console-new-poll-heading = 新建一个投票
console-not-allowed-heading = 无权操作
console-not-allowed-text = 您在此工作区中的角色是{ $role }：此操作需要编辑者或所有者。没有作任何更改。
console-field-title = 标题
console-field-description = 说明（可选）
console-field-location = 地点（可选）
console-field-time-zone = 投票的时区
console-hint-time-zone = IANA 时区，例如 Europe/Vienna 或 Asia/Tokyo：有具体时间的选项按此时区输入。
console-field-deadline = 截止时间（可选）
console-hint-deadline = 按投票的时区。届时投票会自动停止。
console-field-voting = 谁可以答复
console-voting-open = 任何拥有投票链接的人，署名答复
console-voting-invite-only = 仅限受邀成员，使用各自的链接
console-field-results-visibility = 谁能看到结果
console-visibility-everyone = 所有可以答复的人
console-visibility-after-voting = 已经答复的人
console-visibility-organisers = 仅限工作区
console-field-allow-if-need-be = 除“是”和“否”外，还提供“必要时可以”
console-field-show-voter-names = 在答复旁显示答复人姓名
console-field-aggregate-only = 只公布总数，从不公布姓名或答复
console-field-reminders = 自动提醒（可选）
console-hint-reminders = 在截止前提醒尚未答复的人：用逗号分隔的 ISO 8601 时长，例如 P3D, PT24H。
console-options-heading = 选项
console-options-hint = 整天的日期范围（从第一天到最后一天），或按投票时区的时间段。空行将被忽略。
console-option-legend = 选项 { $n }
console-kind-all-day = 整天
console-kind-timed = 具体时间
console-field-start-date = 第一天
console-field-end-date = 最后一天
console-field-start = 开始
console-field-end = 结束
console-create-poll = 创建投票
console-more-rows = 更多选项行
console-sections = 栏目
console-groups-heading = 小组
console-no-groups = 还没有小组。
console-group-name = 小组名称
console-group-members = 成员
console-new-group = 新建小组
console-group-paste = 成员，每行一位
console-group-paste-hint = 姓名 <邮箱>, 时区, 语言，例如：Yoichi <yoichi@example.org>, Asia/Tokyo, ja。邮箱和语言可以省略。也可以读取带标题行（name, email, time_zone, language）的 CSV。
console-lines-wrong = 需要修改的行数：{ $count }。没有保存任何内容。
console-create-group = 创建小组
console-group-count = 成员人数：{ $count }
console-member-name = 姓名
console-member-zone = 时区
console-member-language = 语言
console-member-actions = 操作
console-remove-member = 移除 { $name }
console-add-members = 添加成员
console-add-members-button = 添加
console-not-found-heading = 未找到
console-not-found-text = 您的工作区中这里没有任何内容。
console-invitations-heading = 邀请
console-no-invitations = 还没有邀请任何人。
console-invited-count = 已邀请：{ $count }
console-answered = 已答复
console-required = 必需
console-mail-state = 邮件
console-yes = 是
console-no = 否
console-invite-group = 邀请一个小组
console-invite-required = 他们的答复是必需的
console-invite-send-email = 通过邮件发送邀请
console-preview = 预览
console-preview-heading = 邀请之前
console-preview-summary = 邮件：{ $count } 位成员中的 { $mailed } 位。
console-preview-mail = 邮件
console-preview-mailed-in = 将发送，语言：{ $language }
console-preview-no-address = 不发送：没有地址
console-preview-not-configured = 不发送：本服务没有邮件服务器
console-preview-already-invited = 已邀请
console-preview-no-mail-asked = 不发送：未要求发送邮件
console-invite-now = 邀请他们
console-conflict-heading = 目前无法执行
