/** The contact's timeline, newest first, with a box to add a comment, a call or a meeting. */
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type Activity, api, type Page, query } from "../api.js";
import { ErrorBox } from "../shell/error-box.js";
import { useFormat } from "../shell/format.js";

function describe(
  t: (key: string, options?: Record<string, unknown>) => string,
  a: Activity,
  dateTime: (iso: string) => string,
): string {
  const data = a.data as {
    from?: string;
    to?: string;
    reason?: string | null;
    fields?: string[];
    dueAt?: string;
    outcome?: string;
    callback?: { dueAt: string };
    event?: string;
    start?: string;
    undone?: boolean;
    otherName?: string;
  };
  switch (a.kind) {
    case "status":
      return t("timeline.status", {
        from: t(`status.${data.from}`),
        to: t(`status.${data.to}`),
        reason: data.reason ? ` (${data.reason})` : "",
      });
    case "progress":
      return t("timeline.progress", { to: t(`progress.${data.to}`) });
    case "updated":
      return t("timeline.updated", { fields: (data.fields ?? []).join(", ") });
    case "update_request":
      return data.dueAt
        ? t("timeline.updateRequest", { due: dateTime(data.dueAt) })
        : t("timeline.kinds.update_request");
    case "call":
      // A call logged by hand has no outcome; one from the call screen says how it ended.
      if (!data.outcome) return t("timeline.kinds.call");
      return t(
        `timeline.calls.${data.outcome}${data.outcome === "no_answer" && data.callback ? "WithCallback" : ""}`,
        {
          reason: data.reason ?? "",
          due: data.callback ? dateTime(data.callback.dueAt) : "",
        },
      );
    case "merge":
      return t(data.undone ? "duplicates.timelineUndone" : "duplicates.timelineMerged", {
        name: data.otherName ?? "",
      });
    case "appointment":
      return data.event && data.start
        ? t(`timeline.meetings.${data.event}`, { when: dateTime(data.start) })
        : t("timeline.kinds.appointment");
    default:
      return t(`timeline.kinds.${a.kind}`);
  }
}

export function Timeline({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [kind, setKind] = useState<"comment" | "call" | "meeting">("comment");
  const [body, setBody] = useState("");
  const timeline = useInfiniteQuery({
    queryKey: ["timeline", contactId],
    queryFn: ({ pageParam }) =>
      api.get<Page<Activity>>(
        `/api/v1/contacts/${contactId}/activities${query({ limit: 50, before: pageParam })}`,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const add = useMutation({
    mutationFn: () => api.post<Activity>(`/api/v1/contacts/${contactId}/activities`, { kind, body }),
    onSuccess: () => {
      setBody("");
      void client.invalidateQueries({ queryKey: ["timeline", contactId] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (body.trim()) add.mutate();
  }

  const entries = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="timeline">
      <form onSubmit={submit} className="comment-box">
        <label className="visually-hidden" htmlFor="timeline-kind">
          {t("timeline.kind")}
        </label>
        <select id="timeline-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="comment">{t("timeline.kinds.comment")}</option>
          <option value="call">{t("timeline.kinds.call")}</option>
          <option value="meeting">{t("timeline.kinds.meeting")}</option>
        </select>
        <label className="visually-hidden" htmlFor="timeline-body">
          {t("timeline.placeholder")}
        </label>
        <textarea
          id="timeline-body"
          rows={2}
          value={body}
          placeholder={t("timeline.placeholder")}
          onChange={(e) => setBody(e.target.value)}
        />
        <button type="submit" className="primary" disabled={add.isPending || !body.trim()}>
          {t("timeline.add")}
        </button>
      </form>
      {add.error && <ErrorBox error={add.error} />}
      {timeline.error && <ErrorBox error={timeline.error} />}
      <ol className="entries">
        {entries.map((a) => (
          <li key={a.id} className={`entry kind-${a.kind}`}>
            <div className="entry-head">
              <strong>{describe(t, a, format.dateTime)}</strong>
              <time dateTime={a.createdAt} title={format.dateTime(a.createdAt)}>
                {format.ago(a.createdAt)}
              </time>
            </div>
            {a.body && <p className="entry-body">{a.body}</p>}
            {a.actorName && <small className="muted">{a.actorName}</small>}
          </li>
        ))}
      </ol>
      {timeline.hasNextPage && (
        <button
          type="button"
          onClick={() => void timeline.fetchNextPage()}
          disabled={timeline.isFetchingNextPage}
        >
          {t("common.more")}
        </button>
      )}
    </div>
  );
}
