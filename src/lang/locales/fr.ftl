# Pages des membres de Convene : français. Mêmes messages que en.ftl.

## Dates et heures
format-day = %A %-d %B %Y
format-time = %H:%M
when-timed = { $day }, { $start }–{ $end }
when-timed-span = { $start_day } { $start } – { $end_day } { $end }
when-all-day-range = { $start } – { $end }
utc-offset = UTC{ $offset }

## Cadre de la page
site-name = Convene
footer = Convene : des sondages de dates à travers les fuseaux horaires.
language-label = Langue
zone-legend = Fuseau horaire
zone-label = Afficher les heures dans le fuseau
zone-submit = Afficher
zone-current = Les heures sont affichées dans le fuseau { $zone }.
zone-error = « { $zone } » n’est pas un fuseau horaire. Choisissez-en un dans la liste.
location-label = Lieu
deadline = Le vote est ouvert jusqu’au { $when }.

## Qui répond
greeting-invited = Bonjour { $name }, parmi ces dates, lesquelles vous conviennent ?
greeting-open = Parmi ces dates, lesquelles vous conviennent ? Toute personne disposant de cette page peut répondre.
greeting-respondent = Bonjour { $name }, voici votre réponse. Vous pouvez la modifier jusqu’à la clôture du vote.
no-answer-yet = Vous n’avez pas encore répondu.

## États du sondage
status-closed = Le vote est clos. Les réponses ne peuvent plus être modifiées.
status-cancelled = Ce sondage a été annulé. Aucune date ne sera retenue.
status-confirmed = La date est confirmée.
saved = Merci. Votre réponse est enregistrée ; vous pouvez la modifier jusqu’à la clôture du vote.
private-link-intro = Conservez ce lien personnel pour consulter ou modifier votre réponse plus tard. Quiconque le possède peut modifier votre réponse : ne le partagez pas.
private-link-label = Votre lien personnel

## Le formulaire
options-heading = Les dates
choice-yes = Oui
choice-if-need-be = Si nécessaire
choice-no = Non
outside-social-hours = En dehors de vos heures habituelles ({ $start }–{ $end }, heure locale)
name-label = Votre nom
comment-label = Commentaire (facultatif)
comment-hint = { $max } caractères au plus.
submit-first = Envoyer ma réponse
submit-change = Enregistrer mes modifications

## Résultats
results-heading = Réponses à ce jour
results-final-heading = Réponses
results-yes = Oui
results-if-need-be = Si nécessaire
results-no = Non
results-no-answer = Sans réponse
results-leading = En tête
results-respondents = { $count ->
    [one] { $count } réponse à ce jour.
   *[other] { $count } réponses à ce jour.
}
results-after-voting = Les réponses des autres s’affichent une fois que vous avez répondu.
results-organisers-only = Seul l’organisateur voit les réponses à ce sondage.
results-counts-only = Ce sondage n’affiche que des totaux : les noms et les réponses individuelles ne sont jamais montrés.

## Une fois confirmé
confirmed-heading = La date retenue
add-to-calendar = L’ajouter à mon agenda (fichier .ics)
subscribe-feed = M’abonner à l’agenda de ces réunions

## Erreurs
error-summary-heading = Votre réponse n’a pas été enregistrée
error-summary = Corrigez les éléments signalés ci-dessous, puis envoyez-la de nouveau.
error-unknown-option = Ce formulaire comporte une date qui ne figure plus dans le sondage. Rechargez la page et répondez de nouveau.
error-choice = Choisissez oui, si nécessaire ou non.
error-if-need-be = Ce sondage ne propose pas « si nécessaire ».
error-comment-long = Le commentaire est trop long : { $max } caractères au plus.
error-comment-invalid = Le commentaire contient des caractères qui ne peuvent pas être enregistrés.
error-name-required = Indiquez votre nom.
error-name-invalid = Indiquez un nom d’au plus { $max } caractères, sur une seule ligne.
error-closed = Le vote est clos : votre réponse n’a donc pas été enregistrée.
error-too-many = Trop de réponses proviennent de votre réseau en ce moment. Veuillez réessayer dans une minute.
not-found-heading = Ce lien ne fonctionne pas
not-found-text = Il a peut-être été remplacé par un lien plus récent, ou le sondage a été supprimé. Demandez votre lien actuel à l’organisateur.
invite-only-text = Ce sondage est réservé aux personnes invitées : utilisez le lien personnel qui vous a été envoyé.

## Courriels
mail-invitation-subject = Quelles dates vous conviennent ? { $title }
mail-vote-link = Répondez sur votre page personnelle (ce lien n’est qu’à vous : ne le transférez pas) :
mail-vote-button = Répondre sur ma page
mail-footer = Envoyé automatiquement par Convene pour l’organisateur de ce sondage. Vos réponses peuvent être modifiées jusqu’à la clôture du vote.
mail-reminder-subject = Rappel : quelles dates vous conviennent ? { $title }
mail-reminder-intro = Vous n’avez pas encore répondu.
mail-greeting = Bonjour { $name },
mail-outcome-subject = Confirmé : { $title }
mail-cancel-subject = Annulé : { $title }
mail-calendar-hint = Votre messagerie peut l’ajouter à votre agenda (l’invitation est jointe : invite.ics) ; votre page l’indique aussi :
mail-footer-outcome = Envoyé automatiquement par Convene pour l’organisateur de ce sondage.

## Hybrid meetings, days and seats
mail-seat-subject = Une place pour vous : { $title }
mail-seat-given = Une place en présentiel s’est libérée et elle est à vous :
mail-attendance = Vous avez indiqué votre participation : { $mode }
attendance-legend = Comment participerez-vous ?
attendance-in-person = En présentiel
attendance-online = En ligne
per-day-hint = Répondez pour chaque jour.
seat-taken = Vous avez une place en présentiel.
seat-waiting = Vous êtes sur la liste d’attente pour une place en présentiel.
seats-summary = { $taken } places en présentiel prises sur { $capacity }, { $waiting } en attente
results-in-person = En présentiel
results-online = En ligne
error-attendance = Indiquez comment vous participerez : en présentiel ou en ligne.
error-days = Répondez pour chaque jour de cette option.

## Console : connexion
console-name = Console Convene
console-sign-in-heading = Se connecter
console-sign-in-intro = Saisissez l’adresse que vous utilisez dans votre espace de travail. Nous vous enverrons par courriel un lien de connexion.
console-email-label = Adresse électronique
console-send-link = M’envoyer un lien de connexion
console-error-email = Saisissez une adresse électronique, comme nom@example.org.
console-errors-heading = Un problème est survenu
console-sent-heading = Consultez votre messagerie
console-sent-text = Si { $email } appartient à une personne d’un espace de travail, un lien de connexion est en route. Il fonctionne une fois, dans les 15 minutes.
console-confirm-heading = Se connecter
console-confirm-text = Ce lien vous connecte une fois à la console, sur cet appareil.
console-confirm-button = Se connecter
console-link-refused-heading = Ce lien ne vous connecte pas
console-link-used = Ce lien de connexion a déjà servi. Demandez-en un nouveau.
console-link-expired = Ce lien de connexion a expiré : les liens fonctionnent 15 minutes. Demandez-en un nouveau.
console-link-unknown = Ce lien de connexion n’est pas valide. Demandez-en un nouveau.
console-new-link = Demander un nouveau lien
console-forged-heading = Demande refusée
console-forged-text = Ce formulaire ne provient pas d’une page de ce site, ou la page est trop ancienne. Rien n’a été modifié. Rouvrez la page et réessayez.
console-too-many-heading = Trop de demandes
console-too-many-text = Trop de liens de connexion ont été demandés. Réessayez dans { $minutes } minutes.
console-signed-in-as = Connecté·e en tant que { $name } dans { $workspace } ({ $role })
console-sign-out = Se déconnecter
console-signed-out = Vous êtes déconnecté·e.
console-role-owner = propriétaire
console-role-editor = éditeur·rice
console-role-viewer = lecteur·rice
console-home-heading = Console
console-polls-heading = Sondages
console-no-polls = Aucun sondage pour l’instant.
console-poll-title = Sondage
console-poll-status = État
console-poll-responses = Réponses
console-status-open = ouvert
console-status-closed = clos
console-status-confirmed = confirmé
console-status-cancelled = annulé
console-api-hint = En attendant que toute la console soit là, l’API fait le reste :
mail-sign-in-subject = Votre lien de connexion à Convene
mail-sign-in-text = Quelqu’un (vous, espérons-le) a demandé à se connecter à la console Convene avec cette adresse. Ouvrez ce lien pour vous connecter :
mail-sign-in-button = Se connecter à Convene
mail-sign-in-expiry = Le lien fonctionne une fois, dans les 15 minutes.
mail-sign-in-ignore = Si vous ne l’avez pas demandé, ignorez ce courriel : personne ne peut se connecter sans le lien.
console-new-poll = Nouveau sondage
console-new-poll-heading = Un nouveau sondage
console-not-allowed-heading = Non autorisé
console-not-allowed-text = Votre rôle dans cet espace de travail est { $role } : il faut être éditeur·rice ou propriétaire. Rien n’a été modifié.
console-field-title = Titre
console-field-description = Description (facultative)
console-field-location = Lieu (facultatif)
console-field-time-zone = Le fuseau horaire du sondage
console-hint-time-zone = Un fuseau IANA comme Europe/Vienna ou Asia/Tokyo : les options horaires y sont saisies.
console-field-deadline = Date limite (facultative)
console-hint-deadline = Dans le fuseau du sondage. Le vote s’arrête alors de lui-même.
console-field-voting = Qui peut répondre
console-voting-open = Quiconque a le lien du sondage, sous son nom
console-voting-invite-only = Seuls les membres invités, avec leur propre lien
console-field-results-visibility = Qui voit les résultats
console-visibility-everyone = Tous ceux qui peuvent répondre
console-visibility-after-voting = Ceux qui ont répondu
console-visibility-organisers = L’espace de travail seulement
console-field-allow-if-need-be = Proposer « si nécessaire » en plus de oui et non
console-field-show-voter-names = Afficher le nom des personnes à côté de leurs réponses
console-field-aggregate-only = Ne publier que les totaux, jamais les noms ni les réponses
console-field-reminders = Rappels automatiques (facultatifs)
console-hint-reminders = Avant la date limite, à ceux qui n’ont pas répondu : des durées ISO 8601 séparées par des virgules, comme P3D, PT24H.
console-options-heading = Options
console-options-hint = Une plage de jours entiers (du premier au dernier jour), ou un créneau horaire dans le fuseau du sondage. Laissez une ligne vide pour l’ignorer.
console-option-legend = Proposition { $n }
console-kind-all-day = Jours entiers
console-kind-timed = Créneau horaire
console-field-start-date = Premier jour
console-field-end-date = Dernier jour
console-field-start = Début
console-field-end = Fin
console-create-poll = Créer le sondage
console-more-rows = Plus de lignes d’options
console-sections = Rubriques
console-groups-heading = Groupes
console-no-groups = Aucun groupe pour l’instant.
console-group-name = Nom du groupe
console-group-members = Membres
console-new-group = Un nouveau groupe
console-group-paste = Membres, un par ligne
console-group-paste-hint = Nom <adresse>, fuseau, langue, par exemple : Yoichi <yoichi@example.org>, Asia/Tokyo, ja. L’adresse et la langue peuvent être omises. Un CSV avec une ligne d’en-tête (name, email, time_zone, language) est lu aussi.
console-lines-wrong = Lignes à corriger : { $count }. Rien n’a été enregistré.
console-create-group = Créer le groupe
console-group-count = Membres : { $count }
console-member-name = Nom
console-member-zone = Fuseau horaire
console-member-language = Langue
console-member-actions = Actions possibles
console-remove-member = Retirer { $name }
console-add-members = Ajouter des membres
console-add-members-button = Les ajouter
console-not-found-heading = Introuvable
console-not-found-text = Il n’y a rien ici dans votre espace de travail.
console-invitations-heading = Invitations
console-no-invitations = Personne n’est encore invité.
console-invited-count = Invités : { $count }
console-answered = A répondu
console-required = Requis
console-mail-state = Courriel
console-yes = oui
console-no = non
console-invite-group = Inviter un groupe
console-invite-required = Leurs réponses sont requises
console-invite-send-email = Leur envoyer leur invitation par courriel
console-preview = Aperçu
console-preview-heading = Avant d’inviter
console-preview-summary = Courriels : { $mailed } sur { $count } membres.
console-preview-mail = Courriel
console-preview-mailed-in = envoyé, en { $language }
console-preview-no-address = pas de courriel : aucune adresse
console-preview-not-configured = pas de courriel : ce service n’a pas de serveur de messagerie
console-preview-already-invited = déjà invité
console-preview-no-mail-asked = pas de courriel : non demandé
console-invite-now = Les inviter
console-conflict-heading = Impossible pour l’instant

## The console's polls and a poll's page
console-filter-status = Afficher les sondages
console-filter-all = tous
console-filter-button = Afficher
console-no-polls-filtered = Aucun sondage dans cet état.
console-more-polls = Sondages plus anciens
console-none = aucun
console-poll-deadline = Date limite
console-poll-rate = Taux de réponse
console-poll-next-reminder = Prochain rappel
console-poll-zone = Fuseau horaire
console-poll-location = Lieu
console-poll-voting = Qui vote
console-rate = { $answered } sur { $invited } ont répondu ({ $percent } %)
console-answers = { $count ->
    [one] une réponse
   *[other] { $count } réponses
}
console-back-to-polls = Tous les sondages
console-back-to-poll = Retour au sondage
console-confirmed-option = Option confirmée
console-actions-heading = Clore, rouvrir, confirmer ou annuler
console-confirm-choose = L’option à confirmer
console-confirm-preview = Voir la confirmation avant de l’envoyer
console-close = Clore le vote
console-reopen = Rouvrir le vote
console-cancel = Annuler le sondage
console-option = Option
console-results-heading = Résultats
console-ranking-rule = Les options que chaque membre requis peut suivre viennent d’abord, puis les plus disponibles (oui et si nécessaire), puis le plus de oui, puis le début le plus tôt, puis l’ordre de la liste.
console-top-tied = Les options en tête sont à égalité : choisissez celle à confirmer.
console-tied = à égalité
console-counts-yes = Oui :
console-counts-if-need-be = Si nécessaire :
console-counts-no = Non :
console-counts-no-answer = Sans réponse :
console-counts-required = Membres requis disponibles :
console-counts-outside = Hors de leurs heures sociables :
console-quorum-met = quorum atteint
console-quorum-not-met = quorum non atteint
console-why-ahead = Devant l’option suivante : { $why }.
console-why-behind = Derrière l’option au-dessus : { $why }.
console-why-only = La seule option.
console-why-per-day = Réponses jour par jour : compte ceux qui sont disponibles chaque jour.
console-why-required = chaque membre requis peut venir
console-why-available = plus de membres disponibles ({ $mine } contre { $theirs })
console-why-yes = autant de disponibles, plus de oui ({ $mine } contre { $theirs })
console-why-earlier = les mêmes chiffres, et elle commence plus tôt
console-why-listed = les mêmes chiffres et le même début, et elle vient d’abord dans la liste
console-heat-heading = Disponibilité selon les fuseaux horaires
console-heat-hint = Chaque ligne est un fuseau horaire avec son nombre de membres ; chaque colonne une option, avec la part des membres du fuseau qui peuvent venir et son début à leur heure. « (+1) » : le lendemain par rapport au fuseau du sondage ; « (-1) » : la veille.
console-zone = Fuseau horaire
console-member = Membre
console-members = Membres
console-grid-heading = Les membres et leurs réponses
console-grid-silent-heading = Les membres qui n’ont pas répondu
console-grid-legend = ✓ oui, (✓) si nécessaire, ✗ non, – sans réponse. Les colonnes sont les options, par numéro.
console-grid-everyone = Afficher tous les membres
console-grid-silent-link = Afficher tous les membres qui n’ont pas répondu
console-page-of = Page { $page } sur { $pages }
console-pages = Pages
console-previous-page = Page précédente
console-next-page = Page suivante
console-choice-yes = oui
console-choice-if-need-be = si nécessaire
console-choice-no = non
console-choice-none = sans réponse
console-outcome-mail = Invitation d’agenda
console-silent-heading = Pas encore de réponse
console-silent-count = { $count ->
    [one] Un membre invité n’a pas répondu.
   *[other] { $count } membres invités n’ont pas répondu.
}
console-mail-queued = courriel en attente d’envoi
console-mail-sent = courriel envoyé
console-mail-failed = échec du courriel : { $error }
console-mail-dropped = courriel non envoyé
console-mail-no-address = pas d’adresse électronique
console-mail-none = pas encore écrit
console-done-close = Le vote est clos.
console-done-reopen = Le vote est de nouveau ouvert.
console-done-confirm = L’option est confirmée ; les invitations d’agenda partent.
console-done-cancel = Le sondage est annulé.
console-preview-option = L’option, dans le fuseau horaire du sondage :
console-preview-zones = Son heure sur chaque horloge
console-preview-invitees = Chaque membre invité
console-preview-mailed = { $count } des { $invited } membres invités reçoivent l’événement par courriel, comme invitation d’agenda.
console-preview-no-mail = Ce service n’envoie pas de courriel (aucun n’est configuré) : personne ne sera averti par courriel.
console-confirm-and-mail = Confirmer et écrire à { $count } membres invités
console-confirm-button-plain = Confirmer l’option
console-mailed-yes = recevra un courriel
console-mailed-not-configured = aucun courriel n’est envoyé
console-local-time = Date et heure locales
console-error-option = Choisissez l’une des options du sondage à confirmer. Rien n’a été modifié.
console-conflict-stale = Quelqu’un a modifié ce sondage après l’ouverture de la page. Rien n’a été modifié : regardez le sondage tel qu’il est maintenant et recommencez.
console-conflict-move = Le sondage est maintenant { $status } : ce changement n’est pas possible. Rien n’a été modifié.
console-required-mark = (requis)
console-confirm-preview-heading = Confirmer l’option
console-confirm-mail-column = Invitation d’agenda par courriel
console-conflict-changed-heading = Le sondage a changé

# console: edit and invitation actions
console-edit-poll-heading = Modifier le sondage
console-save-poll = Enregistrer les modifications
console-option-remove = Supprimer cette proposition
console-new-option-legend = Nouvelle proposition { $n }
console-edit-options-hint = Modifiez les jours ou les heures d’une proposition, cochez « Supprimer cette proposition » pour la retirer, ou remplissez une ligne vide pour en ajouter une. Les créneaux horaires sont dans le fuseau du sondage.
console-edit-zone-hint = Si vous le changez, les propositions et la date limite laissées telles quelles gardent leur moment ; ce que vous saisissez de nouveau est lu dans le nouveau fuseau.
console-edit-conflict = Quelqu’un a modifié ce sondage après l’ouverture du formulaire. Rien n’a été enregistré : rouvrez le formulaire pour voir le sondage tel qu’il est maintenant, puis refaites vos modifications.
console-edit-reload = Rouvrir le formulaire
console-done-edit = Les modifications sont enregistrées.

## Free/busy: the member's calendar
calendar-heading = Votre agenda
calendar-intro = Connectez votre agenda pour voir quelles dates il indique comme occupées. Seules les plages occupées sont conservées, jamais le contenu des événements ; ces indications ne décident rien, c’est vous qui répondez.
calendar-url-label = Adresse ICS de votre agenda (https:// ou webcal://)
calendar-file-label = Ou téléversez un fichier d’agenda (.ics)
calendar-connect = Connecter l’agenda
calendar-disconnect = Déconnecter et supprimer
calendar-from-address = Plages occupées depuis { $host }, lues le { $when }.
calendar-from-file = Plages occupées depuis un fichier téléversé, lu le { $when }.
calendar-read-failed = La dernière lecture de votre agenda a échoué : { $reason }
calendar-refused = Cet agenda n’a pas pu être utilisé : { $reason }
calendar-nothing-given = Indiquez l’adresse de votre agenda ou choisissez un fichier.
calendar-busy = Votre agenda vous indique comme occupé(e).
## Single sign-on (OpenID Connect)
console-oidc-sign-in = Se connecter avec votre organisation
console-oidc-refused-heading = Vous n’êtes pas connecté
console-oidc-start-again = Retour à la page de connexion
console-oidc-refused-unknown-state = Cette connexion n’a pas été commencée ici, ou elle l’a été il y a trop longtemps. Recommencez depuis la page de connexion.
console-oidc-refused-replayed-state = Cette connexion a déjà été menée à son terme ; une connexion ne sert qu’une fois. Recommencez depuis la page de connexion.
console-oidc-refused-expired-state = Cette connexion a pris plus de 10 minutes et a expiré. Recommencez depuis la page de connexion.
console-oidc-refused-other-browser = Cette connexion a été commencée dans un autre navigateur (ou son cookie a été bloqué). Recommencez dans ce navigateur.
console-oidc-refused-provider-denied = Le service de connexion de votre organisation ne vous a pas connecté (la connexion y a été annulée ou refusée).
console-oidc-refused-wrong-issuer = La réponse ne vient pas du service de connexion de votre organisation ; elle n’a pas été acceptée.
console-oidc-refused-code-refused = Le service de connexion de votre organisation n’a pas accepté cette connexion (elle a peut-être déjà été utilisée). Recommencez depuis la page de connexion.
console-oidc-refused-no-id-token = Le service de connexion de votre organisation n’a pas indiqué qui vous êtes ; vous n’êtes pas connecté.
console-oidc-refused-wrong-audience = Le jeton d’identité a été émis pour une autre application ; il n’a pas été accepté.
console-oidc-refused-wrong-nonce = Le jeton d’identité n’appartient pas à cette connexion ; il n’a pas été accepté.
console-oidc-refused-expired-token = Le jeton d’identité a expiré ; il n’a pas été accepté. Recommencez depuis la page de connexion.
console-oidc-refused-bad-signature = La signature du jeton d’identité n’a pas pu être vérifiée ; il n’a pas été accepté.
console-oidc-refused-invalid-token = Le jeton d’identité n’est pas valide ; il n’a pas été accepté.
console-oidc-refused-no-email = Le service de connexion de votre organisation n’a donné aucune adresse électronique ; vous n’êtes pas connecté.
console-oidc-refused-email-not-verified = Le service de connexion de votre organisation n’a pas vérifié votre adresse électronique ; il ne peut donc pas vous connecter ici.
console-oidc-refused-not-allowed = Aucun espace de travail ici n’a votre adresse électronique, et les adresses de votre domaine ne peuvent pas en créer un. Demandez à un propriétaire de votre espace de travail de vous ajouter.
console-oidc-refused-provider-unavailable = Le service de connexion de votre organisation est injoignable pour le moment. Réessayez dans quelques minutes.
console-oidc-refused-internal = Une erreur s’est produite de notre côté ; rien n’a été modifié. Réessayez dans quelques minutes.
console-oidc-too-many = Trop de connexions ont été commencées depuis cette adresse. Réessayez dans { $minutes } minutes.
