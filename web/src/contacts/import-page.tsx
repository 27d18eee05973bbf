/**
 * Importing a file of contacts: the server reads it on a dry run and says how each column maps; the
 * user adjusts the mapping, sees what would be stored and what is wrong, then imports it once.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type {
  ImportFieldList,
  ImportProgressLine,
  ImportReport,
  PROGRESS_TYPE as ProgressType,
} from "../../../src/api/routes/imports.js";
import { ApiError, api, type Problem } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";

type Field = ImportFieldList["fields"][number];
type PresetId = ImportFieldList["presets"][number]["id"];

interface Upload {
  file: File;
  /** Column header → field, "" for an ignored column; empty until the server has read the file once. */
  choices: Record<string, Field | "">;
  preset: PresetId | "";
  source: string;
  campaign: string;
}

/** The server's value (that module carries zod, which the console does not ship), checked by type. */
const PROGRESS_TYPE: typeof ProgressType = "application/x-ndjson";

/** Rows handled so far of all the good rows, while an import runs. */
interface Progress {
  done: number;
  total: number;
}

/**
 * Sends the file itself as the body, with the content type its extension says, asking for
 * progress lines: one after each batch of rows, then the report (see POST /api/v1/imports).
 */
async function sendFile(
  upload: Upload,
  types: ImportFieldList["types"],
  dryRun: boolean,
  onProgress: (progress: Progress) => void,
): Promise<ImportReport> {
  const search = new URLSearchParams();
  for (const [header, field] of Object.entries(upload.choices)) search.append("map", `${header}=${field}`);
  if (upload.preset) search.set("preset", upload.preset);
  if (upload.source.trim()) search.set("source", upload.source.trim());
  if (upload.campaign.trim()) search.set("campaign", upload.campaign.trim());
  if (dryRun) search.set("dryRun", "true");
  const xlsx = upload.file.name.toLowerCase().endsWith(".xlsx");
  let response: Response;
  try {
    response = await fetch(`/api/v1/imports?${search}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": xlsx ? types.xlsx : types.csv, accept: PROGRESS_TYPE },
      body: await upload.file.arrayBuffer(),
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok || !(response.headers.get("content-type") ?? "").startsWith(PROGRESS_TYPE)) {
    const text = await response.text();
    const data: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, (data as Problem | null) ?? null);
    return data as ImportReport;
  }
  const reader = response.body?.getReader();
  if (!reader) throw new ApiError(0, null);
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw new ApiError(0, null);
    });
    pending += decoder.decode(value, { stream: !done });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as ImportProgressLine;
      if ("report" in item) return item.report;
      if ("problem" in item) throw new ApiError(item.problem.status, item.problem);
      onProgress(item);
    }
    // The answer ended without its report: the connection broke part-way.
    if (done) throw new ApiError(0, null);
  }
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The error report, in the columns `handoff import contacts --errors` writes. */
function errorReport(bad: ImportReport["bad"]): string {
  const lines = ["line,column,field,value,message"];
  for (const cell of bad) {
    const column = cell.column === null ? "" : String(cell.column);
    lines.push([String(cell.line), column, cell.field, cell.value, cell.message].map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}

function ImportProgress({ progress }: { progress: Progress }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="import-progress">
      <progress
        value={progress.done}
        max={Math.max(progress.total, 1)}
        aria-label={t("imports.progressLabel")}
      />
      <span role="status">
        {t("imports.progress", { done: format.number(progress.done), total: format.number(progress.total) })}
      </span>
    </div>
  );
}

export function ImportPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const meta = useQuery({
    queryKey: ["imports", "fields"],
    queryFn: () => api.get<ImportFieldList>("/api/v1/imports/fields"),
  });
  const [upload, setUpload] = useState<Upload | null>(null);
  const [preset, setPreset] = useState<PresetId | "">("");
  const [source, setSource] = useState("");
  const [campaign, setCampaign] = useState("");

  const [progress, setProgress] = useState<Progress | null>(null);
  const preview = useMutation({
    mutationFn: (next: Upload) =>
      sendFile(next, meta.data?.types ?? { csv: "", xlsx: "" }, true, setProgress),
    // Each reading counts from nothing: the last one's figure is not this one's.
    onMutate: () => setProgress(null),
    onSuccess: (report, sent) => {
      // The first reading says how the server mapped each column; from then on the user chooses.
      if (Object.keys(sent.choices).length === 0) {
        const choices: Upload["choices"] = {};
        for (const c of report.columns) if (c.header !== "") choices[c.header] = c.field ?? "";
        setUpload({ ...sent, choices });
      }
    },
  });
  const run = useMutation({
    mutationFn: (next: Upload) =>
      sendFile(next, meta.data?.types ?? { csv: "", xlsx: "" }, false, setProgress),
    onMutate: () => setProgress(null),
    onSuccess: () => client.invalidateQueries({ queryKey: ["contacts"] }),
  });

  function start(file: File | null, presetId: PresetId | "") {
    run.reset();
    preview.reset();
    if (!file) {
      setUpload(null);
      return;
    }
    const next: Upload = { file, choices: {}, preset: presetId, source, campaign };
    setUpload(next);
    preview.mutate(next);
  }

  function choose(header: string, field: Field | "") {
    if (!upload) return;
    run.reset();
    preview.reset();
    setUpload({ ...upload, choices: { ...upload.choices, [header]: field } });
  }

  const report = preview.data;
  const mapped = upload !== null && Object.keys(upload.choices).length > 0;
  const errorsHref = useMemo(
    () =>
      report && report.bad.length > 0
        ? URL.createObjectURL(new Blob([errorReport(report.bad)], { type: "text/csv" }))
        : null,
    [report],
  );
  useEffect(
    () => () => {
      if (errorsHref) URL.revokeObjectURL(errorsHref);
    },
    [errorsHref],
  );

  return (
    <section className="list-page import-page">
      <div className="list-head">
        <h1>{t("imports.title")}</h1>
        <Link to="/contacts">{t("imports.back")}</Link>
      </div>
      <p className="muted">{t("imports.help")}</p>
      {meta.error && <ErrorBox error={meta.error} />}
      <form className="editor card" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("imports.file")}
          <input
            type="file"
            accept=".csv,.xlsx,text/csv"
            disabled={!meta.data}
            onChange={(e) => start(e.target.files?.[0] ?? null, preset)}
          />
        </label>
        <label>
          {t("imports.preset")}
          <select
            value={preset}
            onChange={(e) => {
              const next = e.target.value as PresetId | "";
              setPreset(next);
              if (upload) start(upload.file, next);
            }}
          >
            <option value="">{t("imports.noPreset")}</option>
            {meta.data?.presets.map((p) => (
              <option key={p.id} value={p.id}>
                {t(`imports.presets.${p.id}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("imports.source")}
          <input
            value={source}
            maxLength={100}
            onChange={(e) => {
              setSource(e.target.value);
              preview.reset();
              if (upload) setUpload({ ...upload, source: e.target.value });
            }}
          />
        </label>
        <label>
          {t("imports.campaign")}
          <input
            value={campaign}
            maxLength={100}
            onChange={(e) => {
              setCampaign(e.target.value);
              preview.reset();
              if (upload) setUpload({ ...upload, campaign: e.target.value });
            }}
          />
        </label>
      </form>

      {upload && mapped && meta.data && (
        <section className="card" aria-label={t("imports.columns")}>
          <h2>{t("imports.columns")}</h2>
          <table className="workers import-columns">
            <thead>
              <tr>
                <th>{t("imports.column")}</th>
                <th>{t("imports.field")}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(upload.choices).map(([header, field]) => (
                <tr key={header}>
                  <td>{header}</td>
                  <td>
                    <select
                      aria-label={t("imports.fieldFor", { header })}
                      value={field}
                      onChange={(e) => choose(header, e.target.value as Field | "")}
                    >
                      <option value="">{t("imports.ignore")}</option>
                      {meta.data.fields.map((f) => (
                        <option key={f} value={f}>
                          {t(`imports.fields.${f}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="buttons">
            <button
              type="button"
              disabled={preview.isPending || run.isPending}
              onClick={() => preview.mutate(upload)}
            >
              {t("imports.preview")}
            </button>
          </div>
        </section>
      )}
      {preview.isPending && <p className="muted">{t("imports.reading")}</p>}
      {(preview.isPending || run.isPending) && progress && <ImportProgress progress={progress} />}
      {preview.error && <ErrorBox error={preview.error} />}

      {report && upload && !run.data && (
        <section className="card" aria-label={t("imports.previewTitle")}>
          <h2>{t("imports.previewTitle")}</h2>
          <p className="run-summary" role="status">
            {t("imports.wouldCreate", {
              rows: format.number(report.rows),
              created: format.number(report.created),
              already: format.number(report.alreadyImported),
              bad: format.number(new Set(report.bad.map((b) => b.line)).size),
            })}
          </p>
          {report.sample.length > 0 && (
            <table className="workers import-sample">
              <caption>{t("imports.sample")}</caption>
              <thead>
                <tr>
                  <th>{t("imports.line")}</th>
                  <th>{t("contacts.name")}</th>
                  <th>{t("contacts.phones")}</th>
                  <th>{t("contacts.emails")}</th>
                  <th>{t("contacts.languages")}</th>
                  <th>{t("contacts.place")}</th>
                  <th>{t("contacts.source")}</th>
                </tr>
              </thead>
              <tbody>
                {report.sample.map((s) => (
                  <tr key={s.line}>
                    <td>{s.line}</td>
                    <td>{s.contact.displayName}</td>
                    <td>{s.contact.phones.join(", ")}</td>
                    <td>{s.contact.emails.join(", ")}</td>
                    <td>{s.contact.languages.join(", ")}</td>
                    <td>{s.contact.placeName ?? ""}</td>
                    <td>{s.contact.source ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.bad.length > 0 && (
            <table className="workers import-bad">
              <caption>{t("imports.bad")}</caption>
              <thead>
                <tr>
                  <th>{t("imports.line")}</th>
                  <th>{t("imports.column")}</th>
                  <th>{t("imports.problem")}</th>
                  <th>{t("imports.value")}</th>
                </tr>
              </thead>
              <tbody>
                {report.bad.map((b) => (
                  <tr key={`${b.line}:${b.column}:${b.field}:${b.message}`}>
                    <td>{b.line}</td>
                    <td>{b.column === null ? b.header : `${b.column} · ${b.header}`}</td>
                    <td>{b.message}</td>
                    <td>{b.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="buttons">
            {errorsHref && (
              <a className="button" href={errorsHref} download="import-errors.csv">
                {t("imports.downloadErrors")}
              </a>
            )}
            <button
              type="button"
              className="primary"
              disabled={run.isPending}
              onClick={() => run.mutate(upload)}
            >
              {t("imports.import", { count: report.created })}
            </button>
          </div>
        </section>
      )}
      {run.error && <ErrorBox error={run.error} />}
      {run.data && (
        <section className="card" aria-label={t("imports.done")}>
          <h2>{t("imports.done")}</h2>
          <p className="run-summary" role="status">
            {t("imports.result", {
              created: format.number(run.data.created),
              already: format.number(run.data.alreadyImported),
              linked: format.number(run.data.linkedDuplicates),
              merged: format.number(run.data.mergedDuplicates),
            })}
          </p>
          <Link className="button" to="/contacts">
            {t("imports.toList")}
          </Link>
        </section>
      )}
    </section>
  );
}
