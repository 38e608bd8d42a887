/* What the widget says, in one place and four languages: pure functions from state to sentences
 * (no DOM), so the wording is tested once (tests/js) and a language is one more catalog.
 *
 * The offline wording follows what the server will really do: `mail` says whether an SMTP server
 * is configured, `why` why nobody can chat now (nobody_fits | nobody_free | employee_left).
 */

export const LANGUAGES = ["en", "nl", "fr", "de"];

const EN = {
  title: "Ask us anything",
  subtitle: "Answered live by the colleague who knows best",
  endChat: "End chat",
  minimise: "Minimise",
  reconnecting: "Reconnecting…",
  offlineBar: "You are offline. Messages will be sent when you are back.",
  introTitle: "Talk to the people behind the product",
  intro: "Ask in your own words. We find the developer, sales or support colleague best placed to answer — and they reply here, live.",
  questionLabel: "What would you like to know?",
  questionExample: "e.g. Can I send Peppol e-invoices from the API?",
  name: "Name",
  email: "E-mail",
  optional: "(optional)",
  ask: "Ask",
  asking_button: "Finding the right person…",
  finePrint: "We use your name and e-mail only to answer you.",
  typeFirst: "Please type your question first.",
  shortenQuestion: "Please shorten your question to {max} characters.",
  shortenMessage: "Please shorten your message to {max} characters; nothing was sent.",
  unreachable: "We could not reach the server. Check your connection and try again.",
  serverSaid: "The server answered {status}.",
  somethingWrong: "Something went wrong. Please try again.",
  goneConversation: "That conversation is no longer available. Ask again and we will find someone.",
  conversation: "Conversation",
  messages: "Messages",
  writeMessage: "Write a message…",
  yourMessage: "Your message",
  send: "Send",
  sending: "Sending…",
  notSent: "Not sent: {reason}",
  unsent: "Not sent: the chat had ended.",
  askUnsent: "Ask it as a new question",
  yourEmail: "Your e-mail",
  emailExample: "you@company.com",
  typing: "{name} is typing…",
  finding: "Finding the colleague best placed to answer…",
  findingAgain: "Finding another colleague to take over…",
  usuallyAnswers: "Usually answers within a minute",
  asking: "Asking {name}",
  seesHistory: "They will see the conversation so far.",
  answeredSimilar: "has answered similar questions",
  joined: "{name} joined the chat",
  // a colleague took over the conversation (handover): who, and why them
  tookOverWhy: "{who} joined the conversation: {why}",
  tookOver: "{who} joined the conversation.",
  // a colleague invited in beside the one who has the chat (participants.py)
  joinedBesideWhy: "{who} joined {lead} in the conversation: {why}",
  joinedBeside: "{who} joined {lead} in the conversation.",
  colleagueLeft: "{name} left the chat.",
  colleagueLeftLead: "{name} left the chat; {lead} is with you now.",
  team: "{names} are in the chat with you",
  and: "and",
  answered: "{name} answered your question",
  left: "{name} had to leave the chat.",
  ended: "{who} ended the chat.",
  you: "You",
  yourColleague: "Your colleague",
  nobodyFits: "We could not find a colleague who knows this topic well enough to answer it live.",
  nobodyFree: "{who}, who knows this best, is not available right now.",
  employeeLeft: "{who} had to leave, and nobody else who knows this is free right now.",
  promiseMail: "Leave your e-mail and {who} will answer you by e-mail. The answer will also show here.",
  promiseMailAnyone: "Leave your e-mail and the right colleague will answer you by e-mail. The answer will also show here.",
  promiseHere: "{who} will answer here: come back to this page later to read it. Leave your e-mail if {who} may also write to you.",
  promiseHereAnyone: "A colleague will answer here: come back to this page later to read it. Leave your e-mail if we may also write to you.",
  doneMail: "Thanks — we will e-mail you at {email} as soon as there is an answer.",
  doneHere: "Thanks — {email} is noted. The answer will show here.",
  yourAddress: "your address",
  newMessages: "New",
  counter: "{length} / {max}",
  tooLong: "{over} characters too many (the limit is {max})",
  rateTitle: "How was this conversation?",
  yourRating: "Your rating",
  stars: "{n} stars",
  star: "1 star",
  anythingToAdd: "Anything to add?",
  commentExample: "What made it helpful — or not?",
  consentYes: "Yes, you may",
  consentNo: "No, thanks",
  sendFeedback: "Send feedback",
  skip: "Skip",
  chooseStars: "Please choose from 1 to 5 stars, or skip.",
  thanks: "Thank you!",
  thanksHint: "Your feedback helps us send every question to the right person.",
  chatEnded: "This chat has ended.",
  endedHint: "You can read it here until you ask something else.",
  askAgain: "Ask something else",
  error_invalid_email: "That e-mail address does not look right.",
  error_empty_message: "Please write a message first.",
  error_message_too_long: "That message is too long.",
  error_conversation_closed: "This conversation has ended.",
  error_empty_question: "Please type your question first.",
  error_question_too_long: "That question is too long.",
  error_invalid_link: "This link is not valid. Ask your question again and we will find someone.",
  error_link_expired: "This link has expired. Ask your question again and we will find someone.",
  error_rate_limited: "That was a lot at once. Please wait a moment, then try again — nothing you wrote is lost.",
  error_offline: "You are offline; try again in a moment.",
  // Attachments (attachments.js)
  attach: "Attach an image or a PDF",
  attaching: "Sending {name}… {percent}%",
  download: "Download",
  error_attachment_type: "Only images (PNG, JPEG, WebP, GIF) and PDF files can be attached.",
  error_attachment_too_large: "That file is too large: files can be up to 10 MB.",
  error_attachment_unreadable: "That image could not be read. Try another file.",
  error_attachment_too_many_pixels: "That image is too large. Try a smaller one.",
  error_attachment_empty: "That file is empty.",
  error_attachment_missing: "No file was sent. Please pick it again.",
  error_attachment_failed: "The file could not be sent. Please try again.",
  error_attachment_link_expired: "That link has expired. Reopen the chat to see the file again.",
  error_timeout: "No answer from the server; try again.",
};

const NL = {
  title: "Stel ons je vraag",
  subtitle: "Live beantwoord door de collega die het best weet",
  endChat: "Chat beëindigen",
  minimise: "Minimaliseren",
  reconnecting: "Opnieuw verbinden…",
  offlineBar: "Je bent offline. Berichten worden verstuurd zodra je weer online bent.",
  introTitle: "Praat met de mensen achter het product",
  intro: "Vraag het in je eigen woorden. Wij zoeken de collega uit development, sales of support die het best kan antwoorden — en die antwoordt hier, live.",
  questionLabel: "Wat wil je weten?",
  questionExample: "bv. Kan ik Peppol-e-facturen versturen via de API?",
  name: "Naam",
  email: "E-mail",
  optional: "(optioneel)",
  ask: "Vragen",
  asking_button: "We zoeken de juiste persoon…",
  finePrint: "We gebruiken je naam en e-mail alleen om je te antwoorden.",
  typeFirst: "Typ eerst je vraag.",
  shortenQuestion: "Maak je vraag korter dan {max} tekens.",
  shortenMessage: "Maak je bericht korter dan {max} tekens; er is niets verstuurd.",
  unreachable: "We konden de server niet bereiken. Controleer je verbinding en probeer het opnieuw.",
  serverSaid: "De server antwoordde {status}.",
  somethingWrong: "Er ging iets mis. Probeer het opnieuw.",
  goneConversation: "Dat gesprek is niet meer beschikbaar. Stel je vraag opnieuw en we zoeken iemand.",
  conversation: "Gesprek",
  messages: "Berichten",
  writeMessage: "Schrijf een bericht…",
  yourMessage: "Je bericht",
  send: "Versturen",
  sending: "Wordt verstuurd…",
  notSent: "Niet verstuurd: {reason}",
  unsent: "Niet verstuurd: de chat was al beëindigd.",
  askUnsent: "Stel het als nieuwe vraag",
  yourEmail: "Je e-mailadres",
  emailExample: "jij@bedrijf.be",
  typing: "{name} is aan het typen…",
  finding: "We zoeken de collega die het best kan antwoorden…",
  findingAgain: "We zoeken een andere collega om het over te nemen…",
  usuallyAnswers: "Antwoordt meestal binnen een minuut",
  asking: "We vragen het aan {name}",
  seesHistory: "Die ziet het gesprek tot nu toe.",
  answeredSimilar: "heeft al vergelijkbare vragen beantwoord",
  joined: "{name} neemt deel aan de chat",
  tookOverWhy: "{who} neemt het gesprek over: {why}",
  tookOver: "{who} neemt het gesprek over.",
  joinedBesideWhy: "{who} doet mee in het gesprek met {lead}: {why}",
  joinedBeside: "{who} doet mee in het gesprek met {lead}.",
  colleagueLeft: "{name} heeft de chat verlaten.",
  colleagueLeftLead: "{name} heeft de chat verlaten; {lead} helpt je verder.",
  team: "{names} zijn met je in de chat",
  and: "en",
  answered: "{name} heeft je vraag beantwoord",
  left: "{name} moest de chat verlaten.",
  ended: "{who} heeft de chat beëindigd.",
  you: "Jij",
  yourColleague: "Je collega",
  nobodyFits: "We vonden geen collega die dit onderwerp goed genoeg kent om live te antwoorden.",
  nobodyFree: "{who}, die dit het best weet, is nu niet beschikbaar.",
  employeeLeft: "{who} moest weg, en niemand anders die dit weet is nu vrij.",
  promiseMail: "Laat je e-mailadres achter en {who} antwoordt je per e-mail. Het antwoord verschijnt ook hier.",
  promiseMailAnyone: "Laat je e-mailadres achter en de juiste collega antwoordt je per e-mail. Het antwoord verschijnt ook hier.",
  promiseHere: "{who} antwoordt hier: kom later terug naar deze pagina om het te lezen. Laat je e-mailadres achter als {who} je ook mag schrijven.",
  promiseHereAnyone: "Een collega antwoordt hier: kom later terug naar deze pagina om het te lezen. Laat je e-mailadres achter als we je ook mogen schrijven.",
  doneMail: "Bedankt — we mailen je op {email} zodra er een antwoord is.",
  doneHere: "Bedankt — {email} is genoteerd. Het antwoord verschijnt hier.",
  yourAddress: "je adres",
  newMessages: "Nieuw",
  counter: "{length} / {max}",
  tooLong: "{over} tekens te veel (de limiet is {max})",
  rateTitle: "Hoe was dit gesprek?",
  yourRating: "Je beoordeling",
  stars: "{n} sterren",
  star: "1 ster",
  anythingToAdd: "Nog iets toe te voegen?",
  commentExample: "Wat hielp je — of juist niet?",
  consentYes: "Ja, dat mag",
  consentNo: "Nee, liever niet",
  sendFeedback: "Feedback versturen",
  skip: "Overslaan",
  chooseStars: "Kies 1 tot 5 sterren, of sla over.",
  thanks: "Bedankt!",
  thanksHint: "Met je feedback komt elke vraag bij de juiste persoon terecht.",
  chatEnded: "Deze chat is beëindigd.",
  endedHint: "Je kunt hem hier lezen tot je iets anders vraagt.",
  askAgain: "Iets anders vragen",
  error_invalid_email: "Dat e-mailadres lijkt niet te kloppen.",
  error_empty_message: "Schrijf eerst een bericht.",
  error_message_too_long: "Dat bericht is te lang.",
  error_conversation_closed: "Dit gesprek is beëindigd.",
  error_empty_question: "Typ eerst je vraag.",
  error_question_too_long: "Die vraag is te lang.",
  error_invalid_link: "Deze link is niet geldig. Stel je vraag opnieuw en we zoeken iemand.",
  error_link_expired: "Deze link is verlopen. Stel je vraag opnieuw en we zoeken iemand.",
  error_rate_limited: "Dat was veel tegelijk. Wacht even en probeer het dan opnieuw — er gaat niets verloren.",
  error_offline: "Je bent offline; probeer het zo opnieuw.",
  // Attachments (attachments.js)
  attach: "Voeg een afbeelding of pdf toe",
  attaching: "{name} wordt verstuurd… {percent}%",
  download: "Downloaden",
  error_attachment_type: "Je kunt alleen afbeeldingen (PNG, JPEG, WebP, GIF) en pdf-bestanden toevoegen.",
  error_attachment_too_large: "Dat bestand is te groot: bestanden mogen tot 10 MB zijn.",
  error_attachment_unreadable: "Die afbeelding kon niet gelezen worden. Probeer een ander bestand.",
  error_attachment_too_many_pixels: "Die afbeelding is te groot. Probeer een kleinere.",
  error_attachment_empty: "Dat bestand is leeg.",
  error_attachment_missing: "Er is geen bestand verstuurd. Kies het opnieuw.",
  error_attachment_failed: "Het bestand kon niet verstuurd worden. Probeer het opnieuw.",
  error_attachment_link_expired: "Die link is verlopen. Open de chat opnieuw om het bestand te zien.",
  error_timeout: "Geen antwoord van de server; probeer het opnieuw.",
};

const FR = {
  title: "Posez-nous votre question",
  subtitle: "Une réponse en direct du collègue le mieux placé",
  endChat: "Terminer",
  minimise: "Réduire",
  reconnecting: "Reconnexion…",
  offlineBar: "Vous êtes hors ligne. Les messages partiront dès votre retour.",
  introTitle: "Parlez aux personnes derrière le produit",
  intro: "Posez votre question avec vos mots. Nous trouvons le collègue — développement, vente ou support — le mieux placé pour répondre, et il vous répond ici, en direct.",
  questionLabel: "Que souhaitez-vous savoir ?",
  questionExample: "p. ex. Puis-je envoyer des factures Peppol via l’API ?",
  name: "Nom",
  email: "E-mail",
  optional: "(facultatif)",
  ask: "Envoyer",
  asking_button: "Nous cherchons la bonne personne…",
  finePrint: "Nous utilisons votre nom et votre e-mail uniquement pour vous répondre.",
  typeFirst: "Veuillez d’abord saisir votre question.",
  shortenQuestion: "Veuillez raccourcir votre question à {max} caractères.",
  shortenMessage: "Veuillez raccourcir votre message à {max} caractères ; rien n’a été envoyé.",
  unreachable: "Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.",
  serverSaid: "Le serveur a répondu {status}.",
  somethingWrong: "Une erreur s’est produite. Veuillez réessayer.",
  goneConversation: "Cette conversation n’est plus disponible. Posez à nouveau votre question et nous trouverons quelqu’un.",
  conversation: "Conversation",
  messages: "Messages",
  writeMessage: "Écrivez un message…",
  yourMessage: "Votre message",
  send: "Envoyer",
  sending: "Envoi…",
  notSent: "Non envoyé : {reason}",
  unsent: "Non envoyé : la conversation était déjà terminée.",
  askUnsent: "La poser comme nouvelle question",
  yourEmail: "Votre e-mail",
  emailExample: "vous@entreprise.be",
  typing: "{name} écrit…",
  finding: "Nous cherchons le collègue le mieux placé pour répondre…",
  findingAgain: "Nous cherchons un autre collègue pour prendre le relais…",
  usuallyAnswers: "Répond généralement en moins d’une minute",
  asking: "Nous demandons à {name}",
  seesHistory: "Il ou elle verra la conversation jusqu’ici.",
  answeredSimilar: "a déjà répondu à des questions similaires",
  joined: "{name} a rejoint la conversation",
  tookOverWhy: "{who} a rejoint la conversation : {why}",
  tookOver: "{who} a rejoint la conversation.",
  joinedBesideWhy: "{who} a rejoint {lead} dans la conversation : {why}",
  joinedBeside: "{who} a rejoint {lead} dans la conversation.",
  colleagueLeft: "{name} a quitté la conversation.",
  colleagueLeftLead: "{name} a quitté la conversation ; {lead} reste avec vous.",
  team: "{names} sont avec vous dans la conversation",
  and: "et",
  answered: "{name} a répondu à votre question",
  left: "{name} a dû quitter la conversation.",
  ended: "{who} a mis fin à la conversation.",
  you: "Vous",
  yourColleague: "Votre interlocuteur",
  nobodyFits: "Nous n’avons trouvé aucun collègue qui connaisse assez bien ce sujet pour répondre en direct.",
  nobodyFree: "{who}, qui connaît le mieux ce sujet, n’est pas disponible pour le moment.",
  employeeLeft: "{who} a dû partir, et personne d’autre qui connaît ce sujet n’est libre pour le moment.",
  promiseMail: "Laissez votre e-mail et {who} vous répondra par e-mail. La réponse s’affichera aussi ici.",
  promiseMailAnyone: "Laissez votre e-mail et le bon collègue vous répondra par e-mail. La réponse s’affichera aussi ici.",
  promiseHere: "{who} répondra ici : revenez plus tard sur cette page pour lire la réponse. Laissez votre e-mail si {who} peut aussi vous écrire.",
  promiseHereAnyone: "Un collègue répondra ici : revenez plus tard sur cette page pour lire la réponse. Laissez votre e-mail si nous pouvons aussi vous écrire.",
  doneMail: "Merci — nous vous écrirons à {email} dès qu’il y aura une réponse.",
  doneHere: "Merci — {email} est noté. La réponse s’affichera ici.",
  yourAddress: "votre adresse",
  newMessages: "Nouveau",
  counter: "{length} / {max}",
  tooLong: "{over} caractères de trop (la limite est de {max})",
  rateTitle: "Comment s’est passée cette conversation ?",
  yourRating: "Votre note",
  stars: "{n} étoiles",
  star: "1 étoile",
  anythingToAdd: "Quelque chose à ajouter ?",
  commentExample: "Qu’est-ce qui vous a aidé — ou pas ?",
  consentYes: "Oui, c’est d’accord",
  consentNo: "Non, merci",
  sendFeedback: "Envoyer mon avis",
  skip: "Passer",
  chooseStars: "Veuillez choisir de 1 à 5 étoiles, ou passer.",
  thanks: "Merci !",
  thanksHint: "Votre avis nous aide à envoyer chaque question à la bonne personne.",
  chatEnded: "Cette conversation est terminée.",
  endedHint: "Vous pouvez la relire ici jusqu’à ce que vous posiez une autre question.",
  askAgain: "Poser une autre question",
  error_invalid_email: "Cette adresse e-mail ne semble pas correcte.",
  error_empty_message: "Veuillez d’abord écrire un message.",
  error_message_too_long: "Ce message est trop long.",
  error_conversation_closed: "Cette conversation est terminée.",
  error_empty_question: "Veuillez d’abord saisir votre question.",
  error_question_too_long: "Cette question est trop longue.",
  error_invalid_link: "Ce lien n’est pas valide. Posez à nouveau votre question et nous trouverons quelqu’un.",
  error_link_expired: "Ce lien a expiré. Posez à nouveau votre question et nous trouverons quelqu’un.",
  error_rate_limited: "Cela fait beaucoup d’un coup. Patientez un instant, puis réessayez — rien de ce que vous avez écrit n’est perdu.",
  error_offline: "Vous êtes hors ligne ; réessayez dans un instant.",
  // Attachments (attachments.js)
  attach: "Joindre une image ou un PDF",
  attaching: "Envoi de {name}… {percent} %",
  download: "Télécharger",
  error_attachment_type: "Seules les images (PNG, JPEG, WebP, GIF) et les fichiers PDF peuvent être joints.",
  error_attachment_too_large: "Ce fichier est trop volumineux : 10 Mo au maximum.",
  error_attachment_unreadable: "Cette image n’a pas pu être lue. Essayez un autre fichier.",
  error_attachment_too_many_pixels: "Cette image est trop grande. Essayez-en une plus petite.",
  error_attachment_empty: "Ce fichier est vide.",
  error_attachment_missing: "Aucun fichier n’a été envoyé. Choisissez-le à nouveau.",
  error_attachment_failed: "Le fichier n’a pas pu être envoyé. Veuillez réessayer.",
  error_attachment_link_expired: "Ce lien a expiré. Rouvrez la conversation pour revoir le fichier.",
  error_timeout: "Pas de réponse du serveur ; veuillez réessayer.",
};

const DE = {
  title: "Fragen Sie uns",
  subtitle: "Live beantwortet von der Kollegin oder dem Kollegen, die es am besten wissen",
  endChat: "Chat beenden",
  minimise: "Minimieren",
  reconnecting: "Verbindung wird wiederhergestellt…",
  offlineBar: "Sie sind offline. Nachrichten werden gesendet, sobald Sie wieder online sind.",
  introTitle: "Sprechen Sie mit den Menschen hinter dem Produkt",
  intro: "Fragen Sie in Ihren eigenen Worten. Wir finden die Person aus Entwicklung, Vertrieb oder Support, die am besten antworten kann — und sie antwortet hier, live.",
  questionLabel: "Was möchten Sie wissen?",
  questionExample: "z. B. Kann ich Peppol-E-Rechnungen über die API senden?",
  name: "Name",
  email: "E-Mail",
  optional: "(optional)",
  ask: "Fragen",
  asking_button: "Wir suchen die richtige Person…",
  finePrint: "Wir nutzen Ihren Namen und Ihre E-Mail nur, um Ihnen zu antworten.",
  typeFirst: "Bitte geben Sie zuerst Ihre Frage ein.",
  shortenQuestion: "Bitte kürzen Sie Ihre Frage auf {max} Zeichen.",
  shortenMessage: "Bitte kürzen Sie Ihre Nachricht auf {max} Zeichen; es wurde nichts gesendet.",
  unreachable: "Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
  serverSaid: "Der Server antwortete {status}.",
  somethingWrong: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
  goneConversation: "Dieses Gespräch ist nicht mehr verfügbar. Stellen Sie Ihre Frage erneut, und wir finden jemanden.",
  conversation: "Gespräch",
  messages: "Nachrichten",
  writeMessage: "Nachricht schreiben…",
  yourMessage: "Ihre Nachricht",
  send: "Senden",
  sending: "Wird gesendet…",
  notSent: "Nicht gesendet: {reason}",
  unsent: "Nicht gesendet: Der Chat war bereits beendet.",
  askUnsent: "Als neue Frage stellen",
  yourEmail: "Ihre E-Mail",
  emailExample: "sie@firma.de",
  typing: "{name} schreibt…",
  finding: "Wir suchen die Person, die am besten antworten kann…",
  findingAgain: "Wir suchen eine andere Person, die übernimmt…",
  usuallyAnswers: "Antwortet meist innerhalb einer Minute",
  asking: "Wir fragen {name}",
  seesHistory: "Das bisherige Gespräch ist sichtbar.",
  answeredSimilar: "hat bereits ähnliche Fragen beantwortet",
  joined: "{name} ist dem Chat beigetreten",
  tookOverWhy: "{who} hat das Gespräch übernommen: {why}",
  tookOver: "{who} hat das Gespräch übernommen.",
  joinedBesideWhy: "{who} ist {lead} im Gespräch beigetreten: {why}",
  joinedBeside: "{who} ist {lead} im Gespräch beigetreten.",
  colleagueLeft: "{name} hat den Chat verlassen.",
  colleagueLeftLead: "{name} hat den Chat verlassen; {lead} ist jetzt für Sie da.",
  team: "{names} sind mit Ihnen im Chat",
  and: "und",
  answered: "{name} hat Ihre Frage beantwortet",
  left: "{name} musste den Chat verlassen.",
  ended: "{who} hat den Chat beendet.",
  you: "Sie",
  yourColleague: "Ihr Ansprechpartner",
  nobodyFits: "Wir haben niemanden gefunden, der sich mit diesem Thema gut genug auskennt, um live zu antworten.",
  nobodyFree: "{who}, die oder der sich damit am besten auskennt, ist gerade nicht verfügbar.",
  employeeLeft: "{who} musste gehen, und niemand sonst, der sich damit auskennt, ist gerade frei.",
  promiseMail: "Hinterlassen Sie Ihre E-Mail, und {who} antwortet Ihnen per E-Mail. Die Antwort erscheint auch hier.",
  promiseMailAnyone: "Hinterlassen Sie Ihre E-Mail, und die richtige Person antwortet Ihnen per E-Mail. Die Antwort erscheint auch hier.",
  promiseHere: "{who} antwortet hier: Kommen Sie später auf diese Seite zurück, um die Antwort zu lesen. Hinterlassen Sie Ihre E-Mail, wenn {who} Ihnen auch schreiben darf.",
  promiseHereAnyone: "Jemand aus dem Team antwortet hier: Kommen Sie später auf diese Seite zurück, um die Antwort zu lesen. Hinterlassen Sie Ihre E-Mail, wenn wir Ihnen auch schreiben dürfen.",
  doneMail: "Danke — wir schreiben Ihnen an {email}, sobald es eine Antwort gibt.",
  doneHere: "Danke — {email} ist notiert. Die Antwort erscheint hier.",
  yourAddress: "Ihre Adresse",
  newMessages: "Neu",
  counter: "{length} / {max}",
  tooLong: "{over} Zeichen zu viel (das Limit ist {max})",
  rateTitle: "Wie war dieses Gespräch?",
  yourRating: "Ihre Bewertung",
  stars: "{n} Sterne",
  star: "1 Stern",
  anythingToAdd: "Möchten Sie noch etwas ergänzen?",
  commentExample: "Was hat geholfen — oder nicht?",
  consentYes: "Ja, gern",
  consentNo: "Nein, danke",
  sendFeedback: "Feedback senden",
  skip: "Überspringen",
  chooseStars: "Bitte wählen Sie 1 bis 5 Sterne, oder überspringen Sie.",
  thanks: "Vielen Dank!",
  thanksHint: "Ihr Feedback hilft uns, jede Frage an die richtige Person zu leiten.",
  chatEnded: "Dieser Chat ist beendet.",
  endedHint: "Sie können ihn hier nachlesen, bis Sie etwas anderes fragen.",
  askAgain: "Etwas anderes fragen",
  error_invalid_email: "Diese E-Mail-Adresse scheint nicht zu stimmen.",
  error_empty_message: "Bitte schreiben Sie zuerst eine Nachricht.",
  error_message_too_long: "Diese Nachricht ist zu lang.",
  error_conversation_closed: "Dieses Gespräch ist beendet.",
  error_empty_question: "Bitte geben Sie zuerst Ihre Frage ein.",
  error_question_too_long: "Diese Frage ist zu lang.",
  error_invalid_link: "Dieser Link ist ungültig. Stellen Sie Ihre Frage erneut, und wir finden jemanden.",
  error_link_expired: "Dieser Link ist abgelaufen. Stellen Sie Ihre Frage erneut, und wir finden jemanden.",
  error_rate_limited: "Das war viel auf einmal. Bitte warten Sie einen Moment und versuchen Sie es dann erneut – nichts von dem, was Sie geschrieben haben, geht verloren.",
  error_offline: "Sie sind offline; versuchen Sie es gleich noch einmal.",
  // Attachments (attachments.js)
  attach: "Bild oder PDF anhängen",
  attaching: "{name} wird gesendet… {percent} %",
  download: "Herunterladen",
  error_attachment_type: "Nur Bilder (PNG, JPEG, WebP, GIF) und PDF-Dateien können angehängt werden.",
  error_attachment_too_large: "Diese Datei ist zu groß: Dateien dürfen bis zu 10 MB groß sein.",
  error_attachment_unreadable: "Dieses Bild konnte nicht gelesen werden. Versuchen Sie eine andere Datei.",
  error_attachment_too_many_pixels: "Dieses Bild ist zu groß. Versuchen Sie ein kleineres.",
  error_attachment_empty: "Diese Datei ist leer.",
  error_attachment_missing: "Es wurde keine Datei gesendet. Bitte wählen Sie sie erneut.",
  error_attachment_failed: "Die Datei konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
  error_attachment_link_expired: "Dieser Link ist abgelaufen. Öffnen Sie den Chat erneut, um die Datei zu sehen.",
  error_timeout: "Keine Antwort vom Server; bitte versuchen Sie es erneut.",
};

export const CATALOGS = Object.freeze({ en: EN, nl: NL, fr: FR, de: DE });

let current = EN;
let currentLanguage = "en";

/** The first supported language among the candidates ("nl-BE" counts as "nl"), else English. */
export function pickLanguage(...candidates) {
  for (const candidate of candidates.flat()) {
    const base = String(candidate || "").trim().toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

/** Speak this language from now on (unknown: English). */
export function setLanguage(language) {
  currentLanguage = LANGUAGES.includes(language) ? language : "en";
  current = CATALOGS[currentLanguage];
  return currentLanguage;
}

export function language() {
  return currentLanguage;
}

/** template with its {name} placeholders filled in from vars (unknown ones are kept). */
export function fill(template, vars = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** A sentence from the current catalog with {name} placeholders filled in. */
export function t(key, vars = {}) {
  return fill(current[key] ?? EN[key] ?? key, vars);
}

/** A number as the current language writes it (4,000 / 4.000 / 4 000). */
export function number(value) {
  return Number(value).toLocaleString(currentLanguage);
}

/** A server error in the customer's language: by its code when we know it, else its message. */
export function errorText(ack, fallbackKey = "somethingWrong") {
  const code = ack && ack.error;
  if (code && `error_${code}` in EN) return t(`error_${code}`);
  if (currentLanguage === "en" && ack && ack.message) {
    const text = String(ack.message);
    return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
  }
  return t(fallbackKey);
}

export function firstName(name) {
  return String(name || "").trim().split(/\s+/)[0] || "";
}

/** "webhook delivery and signing · has answered similar questions" (curated words only). */
/** The line shown when a colleague took over: "Jonas Vermeulen (Senior backend developer)
 * joined the conversation: webhook delivery and signature verification". */
export function tookOverText(person, reason) {
  const who = person.title ? `${person.name} (${person.title})` : person.name;
  return reason ? t("tookOverWhy", { who, why: reason }) : t("tookOver", { who });
}

/** The line when a colleague is invited in beside the one who has the chat (lead). */
export function joinedBesideText(person, reason, lead) {
  const who = person.title ? `${person.name} (${person.title})` : person.name;
  const vars = { who, lead: lead ? lead.name : t("yourColleague"), why: reason };
  return reason ? t("joinedBesideWhy", vars) : t("joinedBeside", vars);
}

/** A colleague left; the others stay (lead: who has the chat now, when that changed). */
export function colleagueLeftText(person, lead) {
  return lead ? t("colleagueLeftLead", { name: person.name, lead: lead.name })
    : t("colleagueLeft", { name: person.name });
}

/** Everyone in the chat with the customer: "Sophie Brennan and Jonas Vermeulen are …". */
export function teamText(lead, colleagues) {
  const names = [lead, ...colleagues].map((p) => p.name);
  const listed = names.length > 1 ? `${names.slice(0, -1).join(", ")} ${t("and")} ${names[names.length - 1]}` : names[0];
  return t("team", { names: listed });
}

export function reasonText(reason, answeredSimilar) {
  return [reason, answeredSimilar ? t("answeredSimilar") : ""].filter(Boolean).join(" · ");
}

/** The offline banner: {headline, promise}. view: {why, best, mail} (best: a person or null). */
export function offlineText({ why, best, mail }) {
  const who = best ? best.name : "";
  const first = best ? firstName(best.name) : "";
  let headline;
  if (why === "nobody_fits" || !best) headline = t("nobodyFits");
  else if (why === "employee_left") headline = t("employeeLeft", { who });
  else headline = t("nobodyFree", { who: best.title ? `${who} (${best.title})` : who });
  let promise;
  if (mail) promise = first ? t("promiseMail", { who: first }) : t("promiseMailAnyone");
  else promise = first ? t("promiseHere", { who: first }) : t("promiseHereAnyone");
  return { headline, promise };
}

/** After the address is left: what will happen with it. */
export function emailNoted(email, mail) {
  return t(mail ? "doneMail" : "doneHere", { email: email || t("yourAddress") });
}

/**
 * The character counter under a text box: {text, over, near}. over: past the limit (sending is
 * refused, nothing is cut); near: within 10% of it.
 */
export function counterState(length, max) {
  const over = Math.max(0, length - max);
  return {
    text: over ? t("tooLong", { over: number(over), max: number(max) })
      : t("counter", { length: number(length), max: number(max) }),
    over: over > 0,
    near: !over && length >= max * 0.9,
  };
}
