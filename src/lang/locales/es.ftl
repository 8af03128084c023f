# Páginas de miembros de Convene: español. Los mismos mensajes que en.ftl.

## Fechas y horas
format-day = %A, %-d de %B de %Y
format-time = %H:%M
when-timed = { $day }, { $start }–{ $end }
when-timed-span = { $start_day } { $start } – { $end_day } { $end }
when-all-day-range = { $start } – { $end }
utc-offset = UTC{ $offset }

## Marco de la página
site-name = Convene
footer = Convene: encuestas de fechas entre husos horarios.
language-label = Idioma
zone-legend = Huso horario
zone-label = Mostrar las horas en
zone-submit = Mostrar
zone-current = Las horas se muestran en { $zone }.
zone-error = «{ $zone }» no es un huso horario. Elija uno de la lista.
location-label = Lugar
deadline = La votación se cierra el { $when }.

## Quién responde
greeting-invited = Hola, { $name }: ¿cuáles de estas fechas le convienen?
greeting-open = ¿Cuáles de estas fechas le convienen? Cualquier persona que tenga esta página puede responder.
greeting-respondent = Hola, { $name }: esta es su respuesta. Puede modificarla hasta que se cierre la votación.
no-answer-yet = Todavía no ha respondido.

## Estados de la encuesta
status-closed = La votación está cerrada. Las respuestas ya no pueden modificarse.
status-cancelled = Esta encuesta se ha cancelado. No se elegirá ninguna fecha.
status-confirmed = La fecha está confirmada.
saved = Gracias. Su respuesta se ha guardado; puede modificarla hasta que se cierre la votación.
private-link-intro = Guarde este enlace privado para consultar o modificar su respuesta más adelante. Quien lo tenga puede modificar su respuesta, así que no lo comparta.
private-link-label = Su enlace privado

## El formulario
options-heading = Las fechas
choice-yes = Sí
choice-if-need-be = Si es necesario
choice-no = No
outside-social-hours = Fuera de su horario habitual ({ $start }–{ $end }, hora local)
name-label = Su nombre
comment-label = Comentario (opcional)
comment-hint = Como máximo { $max } caracteres.
submit-first = Enviar mi respuesta
submit-change = Guardar mis cambios

## Resultados
results-heading = Respuestas hasta ahora
results-final-heading = Respuestas
results-yes = Sí
results-if-need-be = Si es necesario
results-no = No
results-no-answer = Sin respuesta
results-leading = En cabeza
results-respondents = { $count ->
    [one] Una respuesta hasta ahora.
   *[other] { $count } respuestas hasta ahora.
}
results-after-voting = Las respuestas de los demás se muestran cuando usted haya respondido.
results-organisers-only = Solo la persona organizadora ve las respuestas de esta encuesta.
results-counts-only = Esta encuesta solo muestra totales: los nombres y las respuestas individuales nunca se muestran.

## Una vez confirmada
confirmed-heading = La fecha elegida
add-to-calendar = Añadirla a mi calendario (archivo .ics)
subscribe-feed = Suscribirme al calendario de estas reuniones

## Errores
error-summary-heading = Su respuesta no se ha guardado
error-summary = Corrija lo que se indica a continuación y vuelva a enviarla.
error-unknown-option = Este formulario incluye una fecha que la encuesta ya no tiene. Vuelva a cargar la página y responda de nuevo.
error-choice = Elija sí, si es necesario o no.
error-if-need-be = Esta encuesta no ofrece «si es necesario».
error-comment-long = El comentario es demasiado largo: como máximo { $max } caracteres.
error-comment-invalid = El comentario contiene caracteres que no pueden guardarse.
error-name-required = Escriba su nombre.
error-name-invalid = Escriba un nombre de { $max } caracteres como máximo, en una sola línea.
error-closed = La votación está cerrada, por lo que su respuesta no se ha guardado.
error-too-many = En este momento han llegado demasiadas respuestas desde su red. Vuelva a intentarlo dentro de un minuto.
not-found-heading = Este enlace no funciona
not-found-text = Puede que se haya sustituido por uno más reciente o que la encuesta se haya eliminado. Pida su enlace actual a la persona organizadora.
invite-only-text = Esta encuesta es solo por invitación: utilice el enlace personal que recibió.

## Correos
mail-invitation-subject = ¿Qué fechas le convienen? { $title }
mail-vote-link = Responda en su página personal (el enlace es solo suyo: no lo reenvíe):
mail-vote-button = Responder en mi página
mail-footer = Enviado automáticamente por Convene en nombre de la persona organizadora de esta encuesta. Puede modificar sus respuestas hasta que se cierre la votación.
mail-reminder-subject = Recordatorio: ¿qué fechas le convienen? { $title }
mail-reminder-intro = Todavía no ha respondido.
mail-greeting = Hola, { $name }:
mail-outcome-subject = Confirmado: { $title }
mail-cancel-subject = Cancelado: { $title }
mail-calendar-hint = Su programa de correo puede añadirlo a su calendario (la invitación va adjunta como invite.ics); también figura en su página:
mail-footer-outcome = Enviado automáticamente por Convene en nombre de la persona organizadora de esta encuesta.

## Hybrid meetings, days and seats
mail-seat-subject = Un asiento para usted: { $title }
mail-seat-given = Se liberó un asiento presencial y ahora es suyo:
mail-attendance = Indicó que asistirá: { $mode }
attendance-legend = ¿Cómo participará?
attendance-in-person = En persona
attendance-online = En línea
per-day-hint = Responda para cada día.
seat-taken = Tiene un asiento presencial.
seat-waiting = Está en la lista de espera para un asiento presencial.
seats-summary = { $taken } de { $capacity } asientos presenciales ocupados, { $waiting } en espera
results-in-person = En persona
results-online = En línea
error-attendance = Indique cómo participará: en persona o en línea.
error-days = Responda para cada día de esta opción.

## Consola: inicio de sesión
console-name = Consola de Convene
console-sign-in-heading = Iniciar sesión
console-sign-in-intro = Escriba la dirección que usa en su espacio de trabajo. Le enviaremos por correo un enlace para iniciar sesión.
console-email-label = Correo electrónico
console-send-link = Enviarme un enlace de inicio de sesión
console-error-email = Escriba una dirección de correo, como nombre@example.org.
console-errors-heading = Hay un problema
console-sent-heading = Revise su correo
console-sent-text = Si { $email } pertenece a una persona de un espacio de trabajo, un enlace de inicio de sesión está en camino. Funciona una vez, en un plazo de 15 minutos.
console-confirm-heading = Iniciar sesión
console-confirm-text = Este enlace le permite iniciar sesión en la consola una vez, en este dispositivo.
console-confirm-button = Iniciar sesión
console-link-refused-heading = Este enlace no inicia su sesión
console-link-used = Este enlace de inicio de sesión ya se usó. Pida uno nuevo.
console-link-expired = Este enlace de inicio de sesión caducó: los enlaces funcionan 15 minutos. Pida uno nuevo.
console-link-unknown = Este enlace de inicio de sesión no es válido. Pida uno nuevo.
console-new-link = Pedir un enlace nuevo
console-forged-heading = Solicitud rechazada
console-forged-text = Este formulario no proviene de una página de este sitio, o la página es demasiado antigua. No se cambió nada. Abra la página de nuevo e inténtelo otra vez.
console-too-many-heading = Demasiadas solicitudes
console-too-many-text = Se pidieron demasiados enlaces de inicio de sesión. Inténtelo de nuevo dentro de { $minutes } minutos.
console-signed-in-as = Sesión iniciada como { $name } en { $workspace } ({ $role })
console-sign-out = Cerrar sesión
console-signed-out = Ha cerrado la sesión.
console-role-owner = propietario
console-role-editor = editor
console-role-viewer = lector
console-home-heading = Consola
console-polls-heading = Encuestas
console-no-polls = Todavía no hay encuestas.
console-poll-title = Encuesta
console-poll-status = Estado
console-poll-responses = Respuestas
console-status-open = abierta
console-status-closed = cerrada
console-status-confirmed = confirmada
console-status-cancelled = cancelada
console-api-hint = Hasta que toda la consola esté aquí, la API hace el resto:
mail-sign-in-subject = Su enlace para iniciar sesión en Convene
mail-sign-in-text = Alguien (usted, esperamos) pidió iniciar sesión en la consola de Convene con esta dirección. Abra este enlace para iniciar sesión:
mail-sign-in-button = Iniciar sesión en Convene
mail-sign-in-expiry = El enlace funciona una vez, en un plazo de 15 minutos.
mail-sign-in-ignore = Si no lo pidió, ignore este correo: nadie puede iniciar sesión sin el enlace.
console-new-poll = Nueva encuesta
console-new-poll-heading = Una nueva encuesta
console-not-allowed-heading = No permitido
console-not-allowed-text = Su función en este espacio de trabajo es { $role }: esto requiere un editor o un propietario. No se cambió nada.
console-field-title = Título
console-field-description = Descripción (opcional)
console-field-location = Lugar (opcional)
console-field-time-zone = La zona horaria de la encuesta
console-hint-time-zone = Una zona IANA como Europe/Vienna o Asia/Tokyo: las opciones con hora se escriben en ella.
console-field-deadline = Fecha límite (opcional)
console-hint-deadline = En la zona horaria de la encuesta. La votación se detiene sola en ese momento.
console-field-voting = Quién puede responder
console-voting-open = Cualquiera con el enlace de la encuesta, con su nombre
console-voting-invite-only = Solo los miembros invitados, con su propio enlace
console-field-results-visibility = Quién ve los resultados
console-visibility-everyone = Todos los que pueden responder
console-visibility-after-voting = Quienes ya respondieron
console-visibility-organisers = Solo el espacio de trabajo
console-field-allow-if-need-be = Ofrecer «si es necesario» además de sí y no
console-field-show-voter-names = Mostrar los nombres junto a las respuestas
console-field-aggregate-only = Publicar solo los totales, nunca nombres ni respuestas
console-field-reminders = Recordatorios automáticos (opcional)
console-hint-reminders = Antes de la fecha límite, a quienes no han respondido: duraciones ISO 8601 separadas por comas, como P3D, PT24H.
console-options-heading = Opciones
console-options-hint = Un rango de días completos (del primero al último), o una franja horaria en la zona de la encuesta. Deje una fila vacía para omitirla.
console-option-legend = Opción { $n }
console-kind-all-day = Días completos
console-kind-timed = Con hora
console-field-start-date = Primer día
console-field-end-date = Último día
console-field-start = Empieza
console-field-end = Termina
console-create-poll = Crear la encuesta
console-more-rows = Más filas de opciones
console-sections = Secciones
console-groups-heading = Grupos
console-no-groups = Todavía no hay grupos.
console-group-name = Nombre del grupo
console-group-members = Miembros
console-new-group = Un grupo nuevo
console-group-paste = Miembros, uno por línea
console-group-paste-hint = Nombre <correo>, zona, idioma, por ejemplo: Yoichi <yoichi@example.org>, Asia/Tokyo, ja. El correo y el idioma pueden omitirse. También se lee un CSV con una fila de encabezado (name, email, time_zone, language).
console-lines-wrong = Líneas por corregir: { $count }. No se guardó nada.
console-create-group = Crear el grupo
console-group-count = Miembros: { $count }
console-member-name = Nombre
console-member-zone = Zona horaria
console-member-language = Idioma
console-member-actions = Acciones
console-remove-member = Quitar a { $name }
console-add-members = Añadir miembros
console-add-members-button = Añadirlos
console-not-found-heading = No encontrado
console-not-found-text = No hay nada aquí en su espacio de trabajo.
console-invitations-heading = Invitaciones
console-no-invitations = Todavía no hay nadie invitado.
console-invited-count = Invitados: { $count }
console-answered = Respondió
console-required = Obligatorio
console-mail-state = Correo
console-yes = sí
console-no = no
console-invite-group = Invitar a un grupo
console-invite-required = Sus respuestas son obligatorias
console-invite-send-email = Enviarles la invitación por correo
console-preview = Vista previa
console-preview-heading = Antes de invitar
console-preview-summary = Correos: { $mailed } de { $count } miembros.
console-preview-mail = Correo
console-preview-mailed-in = enviado, en { $language }
console-preview-no-address = sin correo: no tiene dirección
console-preview-not-configured = sin correo: este servicio no tiene servidor de correo
console-preview-already-invited = ya invitado
console-preview-no-mail-asked = sin correo: no se pidió
console-invite-now = Invitarlos
console-conflict-heading = No es posible ahora

## The console's polls and a poll's page
console-filter-status = Mostrar encuestas
console-filter-all = todas
console-filter-button = Mostrar
console-no-polls-filtered = No hay encuestas en este estado.
console-more-polls = Encuestas anteriores
console-none = ninguno
console-poll-deadline = Fecha límite
console-poll-rate = Tasa de respuesta
console-poll-next-reminder = Próximo recordatorio
console-poll-zone = Zona horaria
console-poll-location = Lugar
console-poll-voting = Quién vota
console-rate = { $answered } de { $invited } han respondido ({ $percent } %)
console-answers = { $count ->
    [one] una respuesta
   *[other] { $count } respuestas
}
console-back-to-polls = Todas las encuestas
console-back-to-poll = Volver a la encuesta
console-confirmed-option = Opción confirmada
console-actions-heading = Cerrar, reabrir, confirmar o cancelar
console-confirm-choose = La opción que se confirma
console-confirm-preview = Ver la confirmación antes de hacerla
console-close = Cerrar la votación
console-reopen = Reabrir la votación
console-cancel = Cancelar la encuesta
console-option = Opción
console-results-heading = Resultados
console-ranking-rule = Primero van las opciones que todos los miembros obligatorios pueden atender, luego las de más disponibles (sí y si es necesario), luego las de más síes, luego el comienzo más temprano y, por último, el orden de la lista.
console-top-tied = Las opciones en cabeza están empatadas: elija cuál confirmar.
console-tied = empatada
console-counts-yes = Sí:
console-counts-if-need-be = Si es necesario:
console-counts-no = No:
console-counts-no-answer = Sin respuesta:
console-counts-required = Miembros obligatorios disponibles:
console-counts-outside = Fuera de su horario social:
console-quorum-met = se alcanza el quórum
console-quorum-not-met = no se alcanza el quórum
console-why-ahead = Delante de la opción siguiente: { $why }.
console-why-behind = Detrás de la opción anterior: { $why }.
console-why-only = La única opción.
console-why-per-day = Respondida día por día: cuenta a quienes están disponibles todos los días.
console-why-required = todos los miembros obligatorios pueden asistir
console-why-available = más miembros disponibles ({ $mine } frente a { $theirs })
console-why-yes = los mismos disponibles, más síes ({ $mine } frente a { $theirs })
console-why-earlier = las mismas cifras, y empieza antes
console-why-listed = las mismas cifras y el mismo comienzo, y está antes en la lista
console-heat-heading = Disponibilidad según las zonas horarias
console-heat-hint = Cada fila es una zona horaria con su número de miembros; cada columna, una opción, con la parte de los miembros de la zona que pueden asistir y su comienzo en su reloj. «(+1)»: el día siguiente respecto a la zona de la encuesta; «(-1)»: el día anterior.
console-zone = Zona horaria
console-member = Miembro
console-members = Miembros
console-grid-heading = Los miembros y sus respuestas
console-grid-silent-heading = Los miembros que no han respondido
console-grid-legend = ✓ sí, (✓) si es necesario, ✗ no, – sin respuesta. Las columnas son las opciones, por número.
console-grid-everyone = Mostrar a todos los miembros
console-grid-silent-link = Mostrar a todos los miembros que no han respondido
console-page-of = Página { $page } de { $pages }
console-pages = Páginas
console-previous-page = Página anterior
console-next-page = Página siguiente
console-choice-yes = sí
console-choice-if-need-be = si es necesario
console-choice-no = no
console-choice-none = sin respuesta
console-outcome-mail = Invitación de calendario
console-silent-heading = Aún sin respuesta
console-silent-count = { $count ->
    [one] Un miembro invitado no ha respondido.
   *[other] { $count } miembros invitados no han respondido.
}
console-mail-queued = correo a la espera de envío
console-mail-sent = correo enviado
console-mail-failed = el correo falló: { $error }
console-mail-dropped = correo no enviado
console-mail-no-address = sin dirección de correo
console-mail-none = aún no se le ha escrito
console-done-close = La votación está cerrada.
console-done-reopen = La votación está abierta de nuevo.
console-done-confirm = La opción está confirmada; las invitaciones de calendario van en camino.
console-done-cancel = La encuesta está cancelada.
console-preview-option = La opción, en la zona horaria de la encuesta:
console-preview-zones = Su hora en cada reloj
console-preview-invitees = Cada miembro invitado
console-preview-mailed = { $count } de { $invited } miembros invitados reciben el evento por correo, como invitación de calendario.
console-preview-no-mail = Este servicio no envía correo (no hay ninguno configurado): no se escribirá a nadie.
console-confirm-and-mail = Confirmar y escribir a { $count } miembros invitados
console-confirm-button-plain = Confirmar la opción
console-mailed-yes = recibirá un correo
console-mailed-not-configured = no se envía correo
console-local-time = Fecha y hora locales
console-error-option = Elija una de las opciones de la encuesta para confirmarla. No se ha cambiado nada.
console-conflict-stale = Alguien cambió esta encuesta después de que abriera la página. No se ha cambiado nada: mire la encuesta tal como está ahora e inténtelo de nuevo.
console-conflict-move = La encuesta está ahora { $status }, así que no admite este cambio. No se ha cambiado nada.
console-required-mark = (obligatorio)
console-confirm-preview-heading = Confirmar la opción
console-confirm-mail-column = Invitación de calendario por correo
console-conflict-changed-heading = La encuesta ha cambiado

# console: edit and invitation actions
console-edit-poll-heading = Editar la encuesta
console-save-poll = Guardar los cambios
console-option-remove = Quitar esta opción
console-new-option-legend = Nueva opción { $n }
console-edit-options-hint = Cambie los días o las horas de una opción, marque «Quitar esta opción» para quitarla, o rellene una fila vacía para añadir una. Las franjas horarias están en la zona de la encuesta.
console-edit-zone-hint = Si la cambia, las opciones y la fecha límite que deje como están conservan su momento; lo que escriba de nuevo se lee en la nueva zona.
console-edit-conflict = Alguien cambió esta encuesta después de que abriera el formulario. No se ha guardado nada: abra el formulario de nuevo para ver la encuesta tal como está ahora y repita sus cambios.
console-edit-reload = Abrir el formulario de nuevo
console-done-edit = Los cambios están guardados.

## Free/busy: the member's calendar
calendar-heading = Su calendario
calendar-intro = Conecte su calendario para ver qué fechas le muestra ocupado. Solo se guardan las horas ocupadas, nunca el contenido de los eventos; estas marcas no deciden nada, usted sigue respondiendo.
calendar-url-label = Dirección ICS de su calendario (https:// o webcal://)
calendar-file-label = O suba un archivo de calendario (.ics)
calendar-connect = Conectar calendario
calendar-disconnect = Desconectar y borrar
calendar-from-address = Horas ocupadas de { $host }, leídas el { $when }.
calendar-from-file = Horas ocupadas de un archivo subido, leído el { $when }.
calendar-read-failed = La última lectura de su calendario falló: { $reason }
calendar-refused = No se pudo usar este calendario: { $reason }
calendar-nothing-given = Indique la dirección de su calendario o elija un archivo.
calendar-busy = Su calendario le muestra ocupado.
## Single sign-on (OpenID Connect)
console-oidc-sign-in = Iniciar sesión con su organización
console-oidc-refused-heading = No se ha iniciado la sesión
console-oidc-start-again = Volver a la página de inicio de sesión
console-oidc-refused-unknown-state = Este inicio de sesión no se comenzó aquí, o se comenzó hace demasiado tiempo. Vuelva a empezar desde la página de inicio de sesión.
console-oidc-refused-replayed-state = Este inicio de sesión ya se completó una vez; cada inicio de sesión sirve una sola vez. Vuelva a empezar desde la página de inicio de sesión.
console-oidc-refused-expired-state = Este inicio de sesión tardó más de 10 minutos y ha caducado. Vuelva a empezar desde la página de inicio de sesión.
console-oidc-refused-other-browser = Este inicio de sesión se comenzó en otro navegador (o se bloqueó su cookie). Vuelva a empezar en este navegador.
console-oidc-refused-provider-denied = El servicio de inicio de sesión de su organización no le dio acceso (se canceló o se rechazó allí).
console-oidc-refused-wrong-issuer = La respuesta no procede del servicio de inicio de sesión de su organización, por lo que no se aceptó.
console-oidc-refused-code-refused = El servicio de inicio de sesión de su organización no aceptó este inicio de sesión (quizá ya se había utilizado). Vuelva a empezar desde la página de inicio de sesión.
console-oidc-refused-no-id-token = El servicio de inicio de sesión de su organización no indicó quién es usted, por lo que no se inició la sesión.
console-oidc-refused-wrong-audience = El token de identidad se emitió para otra aplicación, por lo que no se aceptó.
console-oidc-refused-wrong-nonce = El token de identidad no corresponde a este inicio de sesión, por lo que no se aceptó.
console-oidc-refused-expired-token = El token de identidad ha caducado, por lo que no se aceptó. Vuelva a empezar desde la página de inicio de sesión.
console-oidc-refused-bad-signature = No se pudo verificar la firma del token de identidad, por lo que no se aceptó.
console-oidc-refused-invalid-token = El token de identidad no es válido, por lo que no se aceptó.
console-oidc-refused-no-email = El servicio de inicio de sesión de su organización no facilitó ninguna dirección de correo electrónico, por lo que no se inició la sesión.
console-oidc-refused-email-not-verified = El servicio de inicio de sesión de su organización no ha verificado su dirección de correo electrónico, por lo que no puede iniciar su sesión aquí.
console-oidc-refused-not-allowed = Ningún espacio de trabajo de aquí tiene su dirección de correo electrónico, y las direcciones de su dominio no pueden crear uno. Pida a un propietario de su espacio de trabajo que le añada.
console-oidc-refused-provider-unavailable = No se puede contactar ahora con el servicio de inicio de sesión de su organización. Inténtelo de nuevo dentro de unos minutos.
console-oidc-refused-internal = Algo falló por nuestra parte; no se ha modificado nada. Inténtelo de nuevo dentro de unos minutos.
console-oidc-too-many = Se iniciaron demasiados inicios de sesión desde esta dirección. Inténtelo de nuevo dentro de { $minutes } minutos.
