/**
 * The words of notification e-mails in each console language. Every locale fills the same table, so
 * a sentence missing in one is a type error. A pack noun may be masculine or feminine, singular or
 * plural: the Italian and Greek sentences show it only as a label ("— ricercatore: Maria Rossi"),
 * never beside an article or adjective that would have to agree with it.
 */
import type { DeadlineKind } from "../accountability/deadlines.js";
import { LOCALES } from "../model.js";
import type { Nouns } from "../vocabulary.js";
import type { NotificationData } from "./messages.js";
import type { NotificationKind } from "./preferences.js";

export type Locale = (typeof LOCALES)[number];

/** A user's stored locale as one we write in; anything else is English. */
export function localeOf(value: string | null | undefined): Locale {
  return LOCALES.find((locale) => locale === value) ?? "en";
}

/** What a sentence is made of, already in the reader's language and zone. */
export interface LineParts {
  nouns: Nouns;
  urgent: boolean;
  /** The contact's name, or the locale's words for one without a name. */
  name: string;
  /** The worker's name, or the locale's words for one without a name. */
  worker: string;
  /** The due time, formatted in the reader's zone and language; "" when there is none. */
  due: string;
  /** What was owed, from the deadline's kind. */
  owed: string;
  data: NotificationData;
}

export interface Wording {
  someContact(nouns: Nouns): string;
  someWorker(nouns: Nouns): string;
  owed: Record<DeadlineKind | "follow_up", string>;
  lines: Record<NotificationKind, (parts: LineParts) => string>;
  subjects: Record<NotificationKind, (nouns: Nouns) => string>;
  urgentSubject(subject: string): string;
  digestSubject(count: number): string;
  /** "Change what you are sent and when", before the account page's address. */
  preferences: string;
  /** "Your inbox", before the inbox's address. */
  inbox: string;
}

const quoted = (text: string | null | undefined, open: string, close: string) =>
  text ? `${open}${text}${close}` : "";

const en: Wording = {
  someContact: (nouns) => `a ${nouns.contact}`,
  someWorker: (nouns) => `a ${nouns.worker}`,
  owed: {
    accept: "an answer to the offer",
    first_attempt: "the first contact attempt",
    first_meeting: "the first meeting",
    update: "an update",
    update_request: "an answer to an update request",
    follow_up: "a follow-up",
  },
  lines: {
    offer_new: (p) =>
      `${p.urgent ? "Urgent: " : ""}a new ${p.nouns.contact} for you, ${p.name}. Can you make contact? Please accept or decline by ${p.due}.`,
    offer_reminder: (p) => `${p.name} is waiting for your answer: the offer lapses ${p.due}.`,
    offer_expired: (p) =>
      `The offer of ${p.name} to ${p.worker} lapsed unanswered; the ${p.nouns.contact} is back with dispatch.`,
    offer_declined: (p) => `${p.worker} declined ${p.name}${quoted(p.data.reason, ": ", "")}.`,
    deadline_reminder: (p) => `Overdue: ${p.owed} for ${p.name} was due ${p.due}.`,
    deadline_escalated: (p) => `${p.worker} is late: ${p.owed} for ${p.name} was due ${p.due}.`,
    contact_taken_back: (p) => `${p.name} was taken back from ${p.worker}: ${p.owed} was due ${p.due}.`,
    update_requested: (p) =>
      `${p.data.requesterName ?? `The ${p.nouns.dispatcher}`} asks for an update on ${p.name}${quoted(p.data.note, ': "', '"')}. Please answer by ${p.due}.`,
    update_answered: (p) => `${p.worker} answered your update request on ${p.name}: "${p.data.answer ?? ""}"`,
    callback_due: (p) =>
      `Time to call ${p.name} back: you agreed on ${p.due}${quoted(p.data.note, ' ("', '")')}.`,
    appointment_booked: (p) =>
      `A meeting with ${p.name} was booked for you: ${p.due}${quoted(p.data.placeName, ", ", "")}.`,
    appointment_changed: (p) =>
      `Your meeting with ${p.name} moved to ${p.due}${quoted(p.data.reason, " (", ")")}.`,
    appointment_cancelled: (p) =>
      `Your meeting with ${p.name} on ${p.due} is cancelled${quoted(p.data.reason, ": ", "")}.`,
    appointment_reminder: (p) =>
      `Reminder: you meet ${p.name} ${p.due}${quoted(p.data.placeName, ", ", "")}.`,
    contact_merged: (p) => {
      switch (p.data.keeper) {
        case "other":
          return `${p.name} is the same person as a ${p.nouns.contact} ${p.worker} holds, who keeps them: the two records are now one, and it is no longer yours.`;
        case "dispatch":
          return `${p.name} is the same person as another ${p.nouns.contact}, now one record back with dispatch: it is no longer yours.`;
        case "restored":
          return `${p.name} was merged by mistake and is a separate record again, yours as before.`;
        default:
          return `Two records of ${p.name} were found to be the same person and are now one, which you keep.`;
      }
    },
    demand_alert: (p) => {
      const d = p.data;
      const place = `${d.placeName ?? "A place"}${quoted(d.country, " (", ")")}`;
      const ratio =
        d.contactsPerWorker === null || d.contactsPerWorker === undefined
          ? `has new ${p.nouns.contact}s and no available ${p.nouns.worker}`
          : `has ${d.contactsPerWorker} new ${p.nouns.contact}s per available ${p.nouns.worker}`;
      return `${place} ${ratio}, above the alert threshold of ${d.threshold ?? "?"}.`;
    },
  },
  subjects: {
    offer_new: (n) => `New ${n.contact} offered to you`,
    offer_reminder: () => "An offer waits for your answer",
    offer_expired: () => "An offer lapsed",
    offer_declined: () => "An offer was declined",
    deadline_reminder: (n) => `Overdue: a ${n.contact} waits for you`,
    deadline_escalated: (n) => `A ${n.worker} is late`,
    contact_taken_back: (n) => `A ${n.contact} was taken back`,
    update_requested: () => "Update requested",
    update_answered: () => "Your update request was answered",
    appointment_booked: () => "A meeting was booked for you",
    appointment_changed: () => "A meeting moved",
    appointment_cancelled: () => "A meeting was cancelled",
    appointment_reminder: () => "Reminder: a meeting soon",
    callback_due: () => "A callback is due",
    contact_merged: () => "Two records of one person were merged",
    demand_alert: (n) => `Demand outruns the ${n.worker}s in a place`,
  },
  urgentSubject: (subject) => `[Urgent] ${subject}`,
  digestSubject: (count) => `Handoff digest: ${count} update${count === 1 ? "" : "s"}`,
  preferences: "Change what you are sent and when",
  inbox: "Your inbox",
};

const it: Wording = {
  someContact: () => "una persona senza nome",
  someWorker: () => "qualcuno del gruppo",
  owed: {
    accept: "una risposta alla proposta",
    first_attempt: "il primo tentativo di contatto",
    first_meeting: "il primo incontro",
    update: "un aggiornamento",
    update_request: "una risposta alla richiesta di aggiornamento",
    follow_up: "un riscontro",
  },
  lines: {
    offer_new: (p) =>
      `${p.urgent ? "Urgente: nuova" : "Nuova"} proposta per te — ${p.nouns.contact}: ${p.name}. Riesci a metterti in contatto? Accetta o rifiuta entro ${p.due}.`,
    offer_reminder: (p) =>
      `${p.name} attende la tua risposta: rispondi entro ${p.due}, poi la proposta scade.`,
    offer_expired: (p) =>
      `La proposta di ${p.name} a ${p.worker} è scaduta senza risposta; la scheda torna allo smistamento.`,
    offer_declined: (p) =>
      `${p.worker} ha rifiutato la proposta di ${p.name}${quoted(p.data.reason, ": ", "")}.`,
    deadline_reminder: (p) => `In ritardo: per ${p.name} si attendeva ${p.owed} entro ${p.due}.`,
    deadline_escalated: (p) =>
      `${p.worker} è in ritardo: per ${p.name} si attendeva ${p.owed} entro ${p.due}.`,
    contact_taken_back: (p) =>
      `La scheda di ${p.name} è stata tolta a ${p.worker}: si attendeva ${p.owed} entro ${p.due}.`,
    update_requested: (p) =>
      `Richiesta di aggiornamento su ${p.name}${quoted(p.data.requesterName, " da parte di ", "")}${quoted(p.data.note, ": «", "»")}. Rispondi entro ${p.due}.`,
    update_answered: (p) =>
      `${p.worker} ha risposto alla tua richiesta di aggiornamento su ${p.name}: «${p.data.answer ?? ""}»`,
    callback_due: (p) =>
      `È ora di richiamare ${p.name}: vi eravate accordati per ${p.due}${quoted(p.data.note, " («", "»)")}.`,
    appointment_booked: (p) =>
      `Ti è stato fissato un incontro con ${p.name}: ${p.due}${quoted(p.data.placeName, ", ", "")}.`,
    appointment_changed: (p) =>
      `Il tuo incontro con ${p.name} è stato spostato: ${p.due}${quoted(p.data.reason, " (", ")")}.`,
    appointment_cancelled: (p) =>
      `Il tuo incontro con ${p.name} (${p.due}) è stato annullato${quoted(p.data.reason, ": ", "")}.`,
    appointment_reminder: (p) =>
      `Promemoria: incontro con ${p.name}, ${p.due}${quoted(p.data.placeName, ", ", "")}.`,
    contact_merged: (p) => {
      switch (p.data.keeper) {
        case "other":
          return `La scheda di ${p.name} riguardava la stessa persona di una scheda seguita da ${p.worker}: ora le due schede sono una sola, che resta a ${p.worker} e non è più tua.`;
        case "dispatch":
          return `La scheda di ${p.name} riguardava la stessa persona di un'altra scheda: ora sono una sola, tornata allo smistamento, e non è più tua.`;
        case "restored":
          return `La scheda di ${p.name} era stata unita a un'altra per errore: ora è di nuovo a sé, tua come prima.`;
        default:
          return `Due schede di ${p.name} riguardavano la stessa persona: ora sono una sola, che resta a te.`;
      }
    },
    demand_alert: (p) => {
      const d = p.data;
      const place = `${d.placeName ?? "Una zona"}${quoted(d.country, " (", ")")}`;
      const ratio =
        d.contactsPerWorker === null || d.contactsPerWorker === undefined
          ? `${p.nouns.contacts} in arrivo, ${p.nouns.workers} disponibili: nessuno`
          : `${p.nouns.contacts} in arrivo per ogni ${p.nouns.worker} disponibile: ${d.contactsPerWorker}`;
      return `${place} — ${ratio}, oltre la soglia di allarme di ${d.threshold ?? "?"}.`;
    },
  },
  subjects: {
    offer_new: (n) => `Nuova proposta per te — ${n.contact}`,
    offer_reminder: () => "Una proposta attende la tua risposta",
    offer_expired: () => "Una proposta è scaduta",
    offer_declined: () => "Una proposta è stata rifiutata",
    deadline_reminder: (n) => `In ritardo — ${n.contact} in attesa`,
    deadline_escalated: (n) => `Ritardo segnalato — ${n.worker}`,
    contact_taken_back: (n) => `Assegnazione revocata — ${n.contact}`,
    update_requested: () => "Richiesta di aggiornamento",
    update_answered: () => "Risposta alla tua richiesta di aggiornamento",
    appointment_booked: () => "Ti è stato fissato un incontro",
    appointment_changed: () => "Un incontro è stato spostato",
    appointment_cancelled: () => "Un incontro è stato annullato",
    appointment_reminder: () => "Promemoria: un incontro a breve",
    callback_due: () => "È ora di richiamare",
    contact_merged: () => "Due schede della stessa persona sono state unite",
    demand_alert: (n) => `In una zona la domanda supera le forze disponibili — ${n.workers}`,
  },
  urgentSubject: (subject) => `[Urgente] ${subject}`,
  digestSubject: (count) => `Riepilogo Handoff: ${count} ${count === 1 ? "aggiornamento" : "aggiornamenti"}`,
  preferences: "Scegli che cosa ricevere e quando",
  inbox: "Le tue notifiche",
};

const el: Wording = {
  someContact: () => "άτομο χωρίς όνομα",
  someWorker: () => "μέλος της ομάδας",
  owed: {
    accept: "απάντηση στην πρόταση",
    first_attempt: "πρώτη απόπειρα επικοινωνίας",
    first_meeting: "πρώτη συνάντηση",
    update: "ενημέρωση",
    update_request: "απάντηση σε αίτημα ενημέρωσης",
    follow_up: "συνέχεια",
  },
  lines: {
    offer_new: (p) =>
      `${p.urgent ? "Επείγον: νέα" : "Νέα"} πρόταση για εσάς — ${p.nouns.contact}: ${p.name}. Μπορείτε να επικοινωνήσετε; Αποδεχτείτε ή αρνηθείτε έως ${p.due}.`,
    offer_reminder: (p) => `Πρόταση σε αναμονή — ${p.name}: απαντήστε έως ${p.due}, αλλιώς η πρόταση λήγει.`,
    offer_expired: (p) =>
      `Η πρόταση για ${p.name} προς ${p.worker} έληξε χωρίς απάντηση· η εγγραφή επιστρέφει στην ανάθεση.`,
    offer_declined: (p) =>
      `Η πρόταση για ${p.name} απορρίφθηκε από ${p.worker}${quoted(p.data.reason, ": ", "")}.`,
    deadline_reminder: (p) => `Εκπρόθεσμο — ${p.name}: αναμενόταν ${p.owed} έως ${p.due}.`,
    deadline_escalated: (p) => `Καθυστέρηση — ${p.worker}, για ${p.name}: αναμενόταν ${p.owed} έως ${p.due}.`,
    contact_taken_back: (p) =>
      `Ανάκληση ανάθεσης — ${p.name} (${p.worker}): αναμενόταν ${p.owed} έως ${p.due}.`,
    update_requested: (p) =>
      `Αίτημα ενημέρωσης για ${p.name}${quoted(p.data.requesterName, " από ", "")}${quoted(p.data.note, ": «", "»")}. Απαντήστε έως ${p.due}.`,
    update_answered: (p) =>
      `Απάντηση στο αίτημα ενημέρωσής σας για ${p.name} από ${p.worker}: «${p.data.answer ?? ""}»`,
    callback_due: (p) =>
      `Ώρα για επανάκληση — ${p.name}: είχατε συμφωνήσει για ${p.due}${quoted(p.data.note, " («", "»)")}.`,
    appointment_booked: (p) =>
      `Κλείστηκε για εσάς συνάντηση με ${p.name}: ${p.due}${quoted(p.data.placeName, ", ", "")}.`,
    appointment_changed: (p) =>
      `Η συνάντησή σας με ${p.name} μετακινήθηκε: ${p.due}${quoted(p.data.reason, " (", ")")}.`,
    appointment_cancelled: (p) =>
      `Η συνάντησή σας με ${p.name} (${p.due}) ακυρώθηκε${quoted(p.data.reason, ": ", "")}.`,
    appointment_reminder: (p) =>
      `Υπενθύμιση: συνάντηση με ${p.name}, ${p.due}${quoted(p.data.placeName, ", ", "")}.`,
    contact_merged: (p) => {
      switch (p.data.keeper) {
        case "other":
          return `Η εγγραφή «${p.name}» αφορούσε το ίδιο πρόσωπο με μια εγγραφή που χειρίζεται ${p.worker}: οι δύο εγγραφές έγιναν μία, την κρατά ${p.worker} και δεν είναι πια δική σας.`;
        case "dispatch":
          return `Η εγγραφή «${p.name}» αφορούσε το ίδιο πρόσωπο με μια άλλη εγγραφή: έγιναν μία, που επέστρεψε στην ανάθεση, και δεν είναι πια δική σας.`;
        case "restored":
          return `Η εγγραφή «${p.name}» είχε συγχωνευθεί κατά λάθος: είναι ξανά χωριστή, δική σας όπως πριν.`;
        default:
          return `Δύο εγγραφές «${p.name}» αφορούσαν το ίδιο πρόσωπο: έγιναν μία, που μένει σε εσάς.`;
      }
    },
    demand_alert: (p) => {
      const d = p.data;
      const place = `${d.placeName ?? "Μια περιοχή"}${quoted(d.country, " (", ")")}`;
      const ratio =
        d.contactsPerWorker === null || d.contactsPerWorker === undefined
          ? `νέες εγγραφές (${p.nouns.contacts}) χωρίς κανένα διαθέσιμο άτομο (${p.nouns.workers})`
          : `νέες εγγραφές (${p.nouns.contacts}) ανά διαθέσιμο άτομο (${p.nouns.workers}): ${d.contactsPerWorker}`;
      return `${place} — ${ratio}, πάνω από το όριο ειδοποίησης ${d.threshold ?? "?"}.`;
    },
  },
  subjects: {
    offer_new: (n) => `Νέα πρόταση για εσάς — ${n.contact}`,
    offer_reminder: () => "Μια πρόταση περιμένει την απάντησή σας",
    offer_expired: () => "Μια πρόταση έληξε",
    offer_declined: () => "Μια πρόταση απορρίφθηκε",
    deadline_reminder: (n) => `Εκπρόθεσμο — ${n.contact} σε αναμονή`,
    deadline_escalated: (n) => `Καθυστέρηση — ${n.worker}`,
    contact_taken_back: (n) => `Ανάκληση ανάθεσης — ${n.contact}`,
    update_requested: () => "Αίτημα ενημέρωσης",
    update_answered: () => "Απαντήθηκε το αίτημα ενημέρωσής σας",
    appointment_booked: () => "Κλείστηκε συνάντηση για εσάς",
    appointment_changed: () => "Μια συνάντηση μετακινήθηκε",
    appointment_cancelled: () => "Μια συνάντηση ακυρώθηκε",
    appointment_reminder: () => "Υπενθύμιση: συνάντηση σύντομα",
    callback_due: () => "Ώρα για επανάκληση",
    contact_merged: () => "Δύο εγγραφές του ίδιου προσώπου συγχωνεύθηκαν",
    demand_alert: (n) => `Σε μια περιοχή η ζήτηση ξεπερνά τη διαθεσιμότητα — ${n.workers}`,
  },
  urgentSubject: (subject) => `[Επείγον] ${subject}`,
  digestSubject: (count) => `Σύνοψη Handoff: ${count} ${count === 1 ? "ενημέρωση" : "ενημερώσεις"}`,
  preferences: "Επιλέξτε τι λαμβάνετε και πότε",
  inbox: "Οι ειδοποιήσεις σας",
};

export const WORDING: Record<Locale, Wording> = { en, it, el };
