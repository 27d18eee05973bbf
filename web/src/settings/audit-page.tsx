/** /settings/audit: who changed what, newest first, filtered, with each change's before and after. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type AuditEntry, api, type Merge, type Page, query, type User } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { SettingsTabs } from "./settings-tabs.js";
import { USERS } from "./users-page.js";

/** The actions and entities the server records, offered as suggestions; the filters accept any value. */
const ACTIONS = [
  "session.create",
  "session.delete",
  "session.revoke",
  "user.create",
  "user.update",
  "user.password",
  "two_factor.start",
  "two_factor.enable",
  "two_factor.disable",
  "two_factor.recovery_codes",
  "two_factor.reset",
  "organisation.update",
  "contact.create",
  "contact.update",
  "contact.status",
  "contact.progress",
  "dispatch.offer",
  "dispatch.apply",
  "worker.create",
  "worker.update",
  "api_key.create",
  "api_key.rotate",
  "api_key.revoke",
  "webhook.create",
  "webhook.update",
  "webhook.delete",
  "contact.call",
  "callback.done",
  "contact.merge",
  "contact.merge.undo",
  "duplicate.distinct",
  "duplicates.scan",
  "script.create",
  "script.update",
  "script.delete",
  "objection.create",
  "objection.update",
  "objection.delete",
  "worker.availability",
  "worker.calendar_feed",
  "appointment.booked",
  "appointment.rescheduled",
  "appointment.cancelled",
  "appointment.completed",
  "appointment.no_show",
];
const ENTITIES = [
  "user",
  "organisation",
  "contact",
  "worker",
  "dispatch_run",
  "api_key",
  "webhook",
  "appointment",
  "callback",
  "script",
  "objection",
];

interface Filters {
  action: string;
  entity: string;
  entityId: string;
  actorUserId: string;
}
const NO_FILTERS: Filters = { action: "", entity: "", entityId: "", actorUserId: "" };

export function AuditPage() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const users = useQuery({ queryKey: USERS, queryFn: () => api.get<User[]>("/api/v1/users") });
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const entries = useInfiniteQuery({
    queryKey: ["audit", filters],
    queryFn: ({ pageParam }) =>
      api.get<Page<AuditEntry>>(`/api/v1/audit${query({ ...filters, before: pageParam, limit: 50 })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setFilters(draft);
  }
  const set = (key: keyof Filters) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="list-page">
      <SettingsTabs />
      <p className="muted">{t("audit.help")}</p>
      <form onSubmit={submit} className="filters" aria-label={t("audit.filters")}>
        <label>
          {t("audit.action")}
          <input list="audit-actions" value={draft.action} onChange={set("action")} spellCheck={false} />
          <datalist id="audit-actions">
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          {t("audit.entity")}
          <select value={draft.entity} onChange={set("entity")}>
            <option value="">{t("common.any")}</option>
            {ENTITIES.map((e) => (
              <option key={e} value={e}>
                {t(`audit.entities.${e}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.entityId")}
          <input value={draft.entityId} onChange={set("entityId")} spellCheck={false} />
        </label>
        <label>
          {t("audit.actor")}
          <select value={draft.actorUserId} onChange={set("actorUserId")}>
            <option value="">{t("common.any")}</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <div className="buttons">
          <button type="submit" className="primary">
            {t("audit.apply")}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              setFilters(NO_FILTERS);
            }}
          >
            {t("audit.clear")}
          </button>
        </div>
      </form>
      {entries.error && <ErrorBox error={entries.error} />}
      {entries.isPending && <p className="loading">{t("common.loading")}</p>}
      {entries.data && items.length === 0 && <p className="empty">{t("audit.none")}</p>}
      {items.length > 0 && (
        <ol className="audit-entries">
          {items.map((entry) => (
            <AuditItem key={entry.id} entry={entry} names={names} />
          ))}
        </ol>
      )}
      {entries.hasNextPage && (
        <div className="buttons">
          <button type="button" onClick={() => entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
            {entries.isFetchingNextPage ? t("common.loading") : t("audit.loadMore")}
          </button>
        </div>
      )}
    </section>
  );
}

function AuditItem({ entry, names }: { entry: AuditEntry; names: Map<string, string> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const actor = entry.actorUserId ? (names.get(entry.actorUserId) ?? entry.actorUserId) : t("audit.system");
  const changed = entry.before !== null || entry.after !== null;
  return (
    <li className="audit-entry">
      <details>
        <summary>
          <time dateTime={entry.createdAt}>{format.dateTime(entry.createdAt)}</time>
          <code className="audit-action">{entry.action}</code>
          <span>
            {t(`audit.entities.${entry.entity}`, { defaultValue: entry.entity })}{" "}
            <code className="small">{entry.entityId}</code>
          </span>
          <span>{actor}</span>
          <span className="muted">{entry.ip ?? ""}</span>
        </summary>
        {changed ? (
          <div className="audit-diff">
            <div>
              <h3>{t("audit.before")}</h3>
              <pre>{json(entry.before)}</pre>
            </div>
            <div>
              <h3>{t("audit.after")}</h3>
              <pre>{json(entry.after)}</pre>
            </div>
          </div>
        ) : (
          <p className="muted">{t("audit.noDetails")}</p>
        )}
        {entry.action === "contact.merge" && <UndoMerge after={entry.after} />}
      </details>
    </li>
  );
}

/** A merge is undone from its audit entry as well as from the duplicates screen. */
function UndoMerge({ after }: { after: unknown }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const mergeId = (after as { mergeId?: string } | null)?.mergeId;
  const undo = useMutation({
    mutationFn: () => api.post<Merge>(`/api/v1/merges/${mergeId}/undo`),
    onSuccess: () => client.invalidateQueries({ queryKey: ["audit"] }),
  });
  if (!mergeId) return null;
  return (
    <div className="buttons">
      {undo.isSuccess ? (
        <p className="ok">{t("audit.mergeUndone")}</p>
      ) : (
        <button type="button" onClick={() => undo.mutate()} disabled={undo.isPending}>
          {t("duplicates.undo")}
        </button>
      )}
      {undo.error && <ErrorBox error={undo.error} />}
    </div>
  );
}

function json(value: unknown): string {
  return value === null || value === undefined ? "—" : JSON.stringify(value, null, 2);
}
