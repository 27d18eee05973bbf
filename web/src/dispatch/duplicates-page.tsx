/** Duplicates: likely pairs side by side, merged with a choice per field or told apart; recent merges undone. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { MergeChoices, MergeField, MergeSide } from "../../../src/core/contacts/merge.js";
import { api, type Contact, type DuplicatePair, type Merge } from "../api.js";
import { StatusBadge } from "../contacts/status-badge.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";
import { DispatchTabs } from "./tabs.js";

interface ScanSummary {
  contacts: number;
  found: number;
  added: number;
  filed: number;
}

export function DuplicatesPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const pairs = useQuery({
    queryKey: ["duplicates"],
    queryFn: () => api.get<{ items: DuplicatePair[]; total: number }>("/api/v1/duplicates?limit=50"),
  });
  const scan = useMutation({
    mutationFn: () => api.post<ScanSummary>("/api/v1/duplicates/scan"),
    onSuccess: () => client.invalidateQueries({ queryKey: ["duplicates"] }),
  });
  return (
    <section className="list-page">
      <DispatchTabs />
      <p className="muted">{t("duplicates.help")}</p>
      <div className="form-row">
        <button type="button" onClick={() => scan.mutate()} disabled={scan.isPending}>
          {scan.isPending ? t("duplicates.scanning") : t("duplicates.scan")}
        </button>
        {scan.data && <span className="ok">{t("duplicates.scanned", { ...scan.data })}</span>}
      </div>
      {scan.error && <ErrorBox error={scan.error} />}
      {pairs.error && <ErrorBox error={pairs.error} />}
      {pairs.isPending && <p className="loading">{t("common.loading")}</p>}
      {pairs.data && pairs.data.items.length === 0 && <p className="empty">{t("duplicates.none")}</p>}
      {pairs.data && pairs.data.total > 0 && (
        <p className="muted">{t("duplicates.waiting", { count: pairs.data.total })}</p>
      )}
      {pairs.data?.items.map((pair) => (
        <PairCard key={pair.id} pair={pair} />
      ))}
      <RecentMerges />
    </section>
  );
}

const CHOSEN: readonly MergeField[] = ["name", "gender", "place", "origin", "handling"];

/** Whose value the form starts with: the survivor's, unless it has none and the other has one. */
function initialChoices(survivor: Contact, other: Contact): Record<MergeField, MergeSide> {
  const missing = (a: unknown, b: unknown) => (a === null && b !== null ? "merged" : "survivor");
  return {
    name: "survivor",
    gender: missing(survivor.gender, other.gender),
    place: missing(survivor.placeName ?? survivor.lat, other.placeName ?? other.lat),
    origin: other.createdAt < survivor.createdAt ? "merged" : "survivor",
    handling: missing(survivor.assignedWorkerId, other.assignedWorkerId),
  };
}

function PairCard({ pair }: { pair: DuplicatePair }) {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  const client = useQueryClient();
  // The older record stays by default: it holds the first touch and, mostly, the history.
  const [survivorId, setSurvivorId] = useState(pair.a.createdAt <= pair.b.createdAt ? pair.a.id : pair.b.id);
  const survivor = survivorId === pair.a.id ? pair.a : pair.b;
  const other = survivorId === pair.a.id ? pair.b : pair.a;
  const [picked, setPicked] = useState<Partial<Record<MergeField, string>>>({});
  const choices = initialChoices(survivor, other);
  // A field's pick is the id of the record whose value survives.
  const sideOf = (field: MergeField): string =>
    picked[field] ?? (choices[field] === "survivor" ? survivor.id : other.id);
  const done = () => {
    client.invalidateQueries({ queryKey: ["duplicates"] });
    client.invalidateQueries({ queryKey: ["merges"] });
    client.invalidateQueries({ queryKey: ["contacts"] });
  };
  const merge = useMutation({
    mutationFn: () => {
      const body: MergeChoices = {};
      for (const field of CHOSEN) body[field] = sideOf(field) === survivor.id ? "survivor" : "merged";
      return api.post<Merge>("/api/v1/merges", {
        survivorId: survivor.id,
        mergedId: other.id,
        choices: body,
      });
    },
    onSuccess: done,
  });
  const distinct = useMutation({
    mutationFn: () => api.post(`/api/v1/duplicates/${pair.id}/distinct`),
    onSuccess: done,
  });
  const rows: Array<{ field: MergeField | null; label: string; value: (c: Contact) => React.ReactNode }> = [
    { field: "name", label: t("contacts.name"), value: (c) => c.displayName },
    { field: null, label: t("contacts.phones"), value: (c) => c.phones.join(", ") || "—" },
    { field: null, label: t("contacts.emails"), value: (c) => c.emails.join(", ") || "—" },
    {
      field: "gender",
      label: t("contacts.gender"),
      value: (c) => (c.gender ? t(`gender.${c.gender}`) : "—"),
    },
    {
      field: "place",
      label: t("contacts.place"),
      value: (c) => [c.placeName, c.postalCode, c.country].filter(Boolean).join(", ") || "—",
    },
    {
      field: "origin",
      label: t("duplicates.origin"),
      value: (c) => [c.source, c.campaign].filter(Boolean).join(" · ") || "—",
    },
    {
      field: "handling",
      label: t("duplicates.handling"),
      value: (c) => (
        <>
          <StatusBadge status={c.status} /> {c.assignedWorkerName ?? ""}
        </>
      ),
    },
    { field: null, label: t("contacts.created"), value: (c) => dateTime(c.createdAt) },
  ];
  const label = `${pair.a.displayName} · ${pair.b.displayName}`;
  return (
    <article className="card duplicate-pair" aria-label={label}>
      <div className="card-head">
        <h2>{t("duplicates.likely", { percent: Math.round(pair.score * 100) })}</h2>
        <span className="chips">
          {pair.fields.map((f) => (
            <span key={f} className={`chip ${f === "household" || f === "name_conflict" ? "warn" : ""}`}>
              {t(`duplicates.fields.${f}`, { defaultValue: f })}
            </span>
          ))}
        </span>
      </div>
      <table className="workers side-by-side">
        <thead>
          <tr>
            <th scope="col">{t("duplicates.field")}</th>
            {[pair.a, pair.b].map((c) => (
              <th scope="col" key={c.id}>
                <label>
                  <input
                    type="radio"
                    name={`survivor-${pair.id}`}
                    checked={survivorId === c.id}
                    onChange={() => {
                      setSurvivorId(c.id);
                      setPicked({});
                    }}
                  />{" "}
                  {t("duplicates.keep")}
                </label>{" "}
                <Link to={`/contacts/${c.id}`}>{c.displayName}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {[pair.a, pair.b].map((c) => (
                <td key={c.id}>
                  {row.field ? (
                    <label>
                      <input
                        type="radio"
                        name={`${pair.id}-${row.field}`}
                        aria-label={`${row.label}: ${c.displayName}`}
                        checked={sideOf(row.field) === c.id}
                        onChange={() => setPicked((p) => ({ ...p, [row.field as MergeField]: c.id }))}
                      />{" "}
                      {row.value(c)}
                    </label>
                  ) : (
                    row.value(c)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t("duplicates.keptAll")}</p>
      <div className="form-row">
        <button type="button" className="primary" disabled={merge.isPending} onClick={() => merge.mutate()}>
          {t("duplicates.merge", { name: survivor.displayName })}
        </button>
        <button type="button" disabled={distinct.isPending} onClick={() => distinct.mutate()}>
          {t("duplicates.distinct")}
        </button>
      </div>
      {merge.error && <ErrorBox error={merge.error} />}
      {distinct.error && <ErrorBox error={distinct.error} />}
    </article>
  );
}

function RecentMerges() {
  const { t } = useTranslation();
  const { dateTime } = useFormat();
  const client = useQueryClient();
  const merges = useQuery({
    queryKey: ["merges"],
    queryFn: () => api.get<{ items: Merge[] }>("/api/v1/merges?limit=20"),
  });
  const undo = useMutation({
    mutationFn: (id: string) => api.post<Merge>(`/api/v1/merges/${id}/undo`),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["merges"] });
      client.invalidateQueries({ queryKey: ["duplicates"] });
      client.invalidateQueries({ queryKey: ["contacts"] });
    },
  });
  if (!merges.data || merges.data.items.length === 0) return null;
  return (
    <section aria-labelledby="recent-merges">
      <h2 id="recent-merges">{t("duplicates.recent")}</h2>
      {undo.error && <ErrorBox error={undo.error} />}
      <table className="workers">
        <thead>
          <tr>
            <th scope="col">{t("duplicates.when")}</th>
            <th scope="col">{t("duplicates.survivor")}</th>
            <th scope="col">{t("duplicates.folded")}</th>
            <th scope="col">{t("duplicates.how")}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {merges.data.items.map((m) => (
            <tr key={m.id}>
              <td>{dateTime(m.createdAt)}</td>
              <td>
                <Link to={`/contacts/${m.survivorId}`}>{m.survivorName}</Link>
              </td>
              <td>
                <Link to={`/contacts/${m.mergedId}`}>{m.mergedName}</Link>
              </td>
              <td>{m.automatic ? t("duplicates.automatic") : t("duplicates.byHand")}</td>
              <td>
                {m.undoneAt ? (
                  <span className="muted">{t("duplicates.undone", { when: dateTime(m.undoneAt) })}</span>
                ) : (
                  <button
                    type="button"
                    aria-label={t("duplicates.undoLabel", { name: m.mergedName })}
                    disabled={undo.isPending}
                    onClick={() => undo.mutate(m.id)}
                  >
                    {t("duplicates.undo")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
