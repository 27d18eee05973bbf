/** From the service's records to the planner's model: who is available now, and how much a contact weighs. */
import type { Contact, DispatchSettings, Worker } from "../model.js";
import type { DispatchConfig, DispatchContact, DispatchWorker } from "./model.js";

/**
 * A worker takes contacts when active, or when away and the away date has passed. A worker back
 * from being away is not flooded to "catch up": the load term charges each further contact by
 * what they hold against their capacity, exactly as for everyone else.
 */
export function toDispatchWorker(worker: Worker, nowIso: string): DispatchWorker {
  const back = worker.status === "away" && worker.awayUntil !== null && worker.awayUntil <= nowIso;
  return {
    id: worker.id,
    name: worker.name,
    gender: worker.gender,
    languages: worker.languages,
    lat: worker.lat,
    lon: worker.lon,
    maxKm: worker.maxKm,
    capacity: worker.capacity,
    active: worker.load,
    trust: worker.trust,
    status: worker.status === "active" || back ? "active" : "paused",
  };
}

/** Inbound contacts (who reached out themselves) weigh double: they are the most ready to meet. */
export function contactPriority(contact: Pick<Contact, "inbound">): number {
  return contact.inbound ? 2 : 1;
}

export function toDispatchContact(contact: Contact, declinedBy: readonly string[]): DispatchContact {
  return {
    id: contact.id,
    name: contact.displayName,
    gender: contact.gender,
    languages: contact.languages,
    lat: contact.lat,
    lon: contact.lon,
    genderMatch: null,
    priority: contactPriority(contact),
    declinedBy: [...declinedBy],
  };
}

export function dispatchConfig(settings: DispatchSettings): DispatchConfig {
  return {
    sameGenderDefault: settings.sameGenderDefault,
    assignValue: settings.assignValue,
    weights: { ...settings.weights },
  };
}
