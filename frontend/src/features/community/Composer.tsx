/** A new post (/community/new): title, Markdown with a Preview tab, tags, who can read it, and up to five attachments
 * (your alerts, indicators and backtests, an uploaded image, links). Errors are shown by the field they are about;
 * a post the automatic checks refuse says why. On success, the post opens. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate } from "react-router-dom";
import { apiItems, fieldError } from "@/api/errors";
import { useCustomIndicators } from "@/api/indicators";
import { Card, Field, Page } from "@/components/ui";
import { alertListKey, fetchAlerts } from "@/api/alerts";
import { fetchRuns, RUNS_KEY } from "@/api/backtests";
import { describeRule } from "@/lib/alertRule";
import { formatMetric } from "@/lib/backtestMetrics";
import { useAuth } from "@/stores/auth";
import { createPost, keys, MAX_ATTACHMENTS, MAX_TAGS, uploadImage, type InsightRef, type PostIn, type Visibility } from "./api";
import { MarkdownEditor, VisibilitySelect } from "./bits";
import { attachmentIndex, parseTags, rejectedReasons } from "./format";
import "./community.css";

/** An attachment as the form holds it: what is sent, and how the list names it. */
export interface Draft {
  item: string | InsightRef;
  label: string;
  /** An uploaded image's address, for its thumbnail. */
  preview?: string;
}

const FIELDS = ["title", "content", "tags", "visibility", "attachments"] as const;
type Problems = Partial<Record<(typeof FIELDS)[number], string>>;

/** What the API would refuse, said before sending. */
export function validate(title: string, content: string, tags: string[], attachments: Draft[]): Problems {
  const problems: Problems = {};
  if (!title.trim()) problems.title = "A title, please.";
  else if (title.trim().length > 300) problems.title = "At most 300 characters.";
  if (!content.trim()) problems.content = "Write the post first.";
  if (tags.length > MAX_TAGS) problems.tags = `At most ${MAX_TAGS} tags (you have ${tags.length}).`;
  if (attachments.length > MAX_ATTACHMENTS) problems.attachments = `At most ${MAX_ATTACHMENTS} attachments.`;
  return problems;
}

const sameRef = (a: string | InsightRef, b: string | InsightRef) =>
  typeof a === "string" || typeof b === "string" ? a === b : a.type === b.type && a.id === b.id;

/** One of "My alerts", "My indicators", "My backtests": a select of yours and an Attach button. */
function Picker({
  id,
  label,
  options,
  loading,
  error,
  empty,
  full,
  onAttach,
  what,
}: {
  id: string;
  label: string;
  /** One of them, for the button: "backtest". */
  what: string;
  options: { value: string; label: string }[];
  loading: boolean;
  error: Error | null;
  empty: ReactNode;
  full: boolean;
  onAttach: (value: string, label: string) => void;
}) {
  const [value, setValue] = useState("");
  const chosen = options.find((o) => o.value === value) ?? options[0];
  return (
    <div className="field cm-picker">
      <label htmlFor={id}>{label}</label>
      {loading ? (
        <span className="muted">Loading…</span>
      ) : error ? (
        <span className="form-error">{error.message}</span>
      ) : !options.length ? (
        <span className="field-hint">{empty}</span>
      ) : (
        <div className="cm-inline">
          <select id={id} value={chosen?.value ?? ""} onChange={(e) => setValue(e.target.value)}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <button type="button" disabled={full || !chosen} onClick={() => chosen && onAttach(chosen.value, chosen.label)} aria-label={`Attach the chosen ${what}`}>
            Attach
          </button>
        </div>
      )}
    </div>
  );
}

/** The attachment picker: your alerts, indicators and backtests (from their own screens' calls), an image, a link. */
function AttachmentPicker({ drafts, onAdd, full }: { drafts: Draft[]; onAdd: (draft: Draft) => void; full: boolean }) {
  const id = useId();
  const userId = useAuth((s) => s.user?.id ?? 0);
  // The alert list's, the indicator builder's and the backtests' own calls and cache keys.
  const alerts = useQuery({ queryKey: alertListKey(userId, {}), queryFn: () => fetchAlerts(userId, {}), enabled: userId > 0 });
  const indicators = useCustomIndicators();
  const runs = useQuery({ queryKey: RUNS_KEY, queryFn: fetchRuns });
  const [url, setUrl] = useState("");
  const [urlError, setUrlError] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: uploadImage,
    onSuccess: (done, picked) => {
      onAdd({ item: { type: "UPLOAD", id: done.uploadId }, label: `Image: ${picked.name}`, preview: done.url });
      if (file.current) file.current.value = "";
    },
  });
  const attached = (ref: InsightRef) => drafts.some((d) => sameRef(d.item, ref));
  const add = (type: InsightRef["type"], value: string, label: string) => {
    if (!attached({ type, id: value })) onAdd({ item: { type, id: value }, label });
  };

  function addLink() {
    const text = url.trim();
    if (!/^https?:\/\/\S+$/i.test(text)) {
      setUrlError("An absolute http(s) address, e.g. https://example.org/chart.png");
      return;
    }
    setUrlError(null);
    if (!drafts.some((d) => d.item === text)) onAdd({ item: text, label: text });
    setUrl("");
  }

  // What is attached already is not offered again.
  const unattached = (type: InsightRef["type"]) => (o: { value: string }) => !attached({ type, id: o.value });
  const alertList = (alerts.data?.alerts ?? []).map((a) => ({
    value: String(a.id),
    label: `${a.symbol}: ${describeRule(a.condition, a.threshold, a.metadata)} (#${a.id})`,
  }));
  const indicatorList = (indicators.data ?? []).map((i) => ({ value: String(i.indicatorId), label: `${i.name}: ${i.formula}` }));
  const runList = (runs.data ?? []).map((r) => ({
    value: r.backtestId,
    label: `${r.strategyName} · ${r.symbol} ${r.interval} · ${formatMetric("totalReturn", r.results.totalReturn)} (${r.backtestId})`,
  }));
  const alertOptions = alertList.filter(unattached("ALERT"));
  const indicatorOptions = indicatorList.filter(unattached("INDICATOR"));
  const runOptions = runList.filter(unattached("BACKTEST"));
  const uploadError = upload.error ? (fieldError(upload.error, "file") ?? upload.error.message) : null;

  return (
    <div className="cm-picker-grid">
      <Picker
        id={`${id}-alerts`}
        label="My alerts"
        what="alert"
        options={alertOptions}
        loading={alerts.isPending}
        error={alerts.error}
        full={full}
        empty={
          alertList.length ? (
            "All your alerts are attached."
          ) : (
            <>
              No alerts yet: <Link to="/alerts/new">create one</Link>.
            </>
          )
        }
        onAttach={(value, label) => add("ALERT", value, `Alert: ${label}`)}
      />
      <Picker
        id={`${id}-indicators`}
        label="My indicators"
        what="indicator"
        options={indicatorOptions}
        loading={indicators.isPending}
        error={indicators.error}
        full={full}
        empty={
          indicatorList.length ? (
            "All your indicators are attached."
          ) : (
            <>
              No custom indicators yet: <Link to="/research/indicators">build one</Link>.
            </>
          )
        }
        onAttach={(value, label) => add("INDICATOR", value, `Indicator: ${label}`)}
      />
      <Picker
        id={`${id}-backtests`}
        label="My backtests"
        what="backtest"
        options={runOptions}
        loading={runs.isPending}
        error={runs.error}
        full={full}
        empty={
          runList.length ? (
            "All your backtests are attached."
          ) : (
            <>
              No backtests yet: <Link to="/research/backtest">run one</Link>.
            </>
          )
        }
        onAttach={(value, label) => add("BACKTEST", value, `Backtest: ${label}`)}
      />
      <div className={"field cm-picker" + (uploadError ? " field-invalid" : "")}>
        <label htmlFor={`${id}-image`}>Upload an image</label>
        <input
          id={`${id}-image`}
          ref={file}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          disabled={full || upload.isPending}
          onChange={(e) => {
            const picked = e.target.files?.[0];
            if (picked) upload.mutate(picked);
          }}
          aria-describedby={`${id}-image-note`}
        />
        <span className={uploadError ? "field-error" : "field-hint"} id={`${id}-image-note`} role={uploadError ? "alert" : undefined}>
          {upload.isPending ? "Uploading…" : (uploadError ?? "PNG, JPEG, GIF or WebP; its metadata (location, camera) is removed.")}
        </span>
      </div>
      <div className={"field cm-picker" + (urlError ? " field-invalid" : "")}>
        <label htmlFor={`${id}-url`}>Link or image address</label>
        <div className="cm-inline">
          <input
            id={`${id}-url`}
            type="url"
            value={url}
            placeholder="https://…"
            maxLength={2000}
            onChange={(e) => setUrl(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                addLink();
              }
            }}
            aria-invalid={urlError ? true : undefined}
            aria-describedby={`${id}-url-note`}
          />
          <button type="button" disabled={full} onClick={addLink}>
            Add link
          </button>
        </div>
        <span className={urlError ? "field-error" : "field-hint"} id={`${id}-url-note`} role={urlError ? "alert" : undefined}>
          {urlError ?? "Images from allowed hosts are shown in the post; other addresses become link cards."}
        </span>
      </div>
    </div>
  );
}

export default function Composer() {
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const userId = useAuth((s) => s.user?.id ?? 0);
  const [title, setTitle] = useState("");
  const [content, setContent] = useState("");
  const [tagText, setTagText] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("PUBLIC");
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [problems, setProblems] = useState<Problems>({});
  const banner = useRef<HTMLDivElement>(null);
  const tags = parseTags(tagText);

  const publish = useMutation({
    mutationFn: (body: PostIn) => createPost(body),
    onSuccess: (post) => {
      void queryClient.invalidateQueries({ queryKey: keys.lists });
      queryClient.setQueryData(keys.post(post.postId), post);
      void navigate(`/community/posts/${post.postId}`, { state: { created: true } });
    },
    onError: () => setTimeout(() => banner.current?.focus()),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validate(title, content, tags, drafts);
    setProblems(found);
    if (Object.keys(found).length) {
      setTimeout(() => document.querySelector<HTMLElement>(".cm-composer [aria-invalid='true']")?.focus());
      return;
    }
    publish.mutate({ userId, title: title.trim(), content, tags, visibility, attachments: drafts.map((d) => d.item) });
  }

  const error = publish.error;
  const rejected = rejectedReasons(error);
  const message = (field: (typeof FIELDS)[number]) => problems[field] ?? (rejected ? undefined : fieldError(error, field));
  // The API's errors about one attachment, by its position in the list.
  const byAttachment = new Map<number, string>();
  for (const item of rejected ? [] : apiItems(error)) {
    const index = attachmentIndex(item.field);
    if (index !== null && !byAttachment.has(index)) byAttachment.set(index, item.message);
  }
  const unplaced =
    error && !rejected && !byAttachment.size && !FIELDS.some((f) => fieldError(error, f)) ? error.message : null;
  const full = drafts.length >= MAX_ATTACHMENTS;

  return (
    <Page title="New post" section="Community" actions={<Link to="/community">All posts</Link>}>
      <form className="stack cm-composer" onSubmit={submit} aria-label="New post" noValidate>
        <div ref={banner} tabIndex={-1} className="cm-banner-slot">
          {rejected ? (
            <div className="cm-banner cm-banner-down" role="alert" data-testid="rejected">
              <strong>Not published: the automatic checks refused the post.</strong>
              <ul>
                {rejected.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          ) : unplaced ? (
            <p className="cm-banner cm-banner-down" role="alert">
              {unplaced}
            </p>
          ) : null}
        </div>
        <Card>
          <div className="stack">
            <Field label="Title" htmlFor={`${id}-title`} error={message("title")}>
              <input
                id={`${id}-title`}
                value={title}
                maxLength={300}
                onChange={(e) => setTitle(e.target.value)}
                aria-invalid={message("title") ? true : undefined}
                aria-describedby={message("title") ? `${id}-title-error` : undefined}
              />
            </Field>
            <MarkdownEditor id={`${id}-content`} label="Text" value={content} onChange={setContent} error={message("content")} />
            <div className="row cm-composer-row">
              <Field label="Tags" htmlFor={`${id}-tags`} error={message("tags")} hint={`Comma separated, at most ${MAX_TAGS}: e.g. BTC, technical analysis`}>
                <input
                  id={`${id}-tags`}
                  value={tagText}
                  onChange={(e) => setTagText(e.target.value)}
                  aria-invalid={message("tags") ? true : undefined}
                  aria-describedby={message("tags") ? `${id}-tags-error` : `${id}-tags-chips`}
                />
              </Field>
              <Field label="Who can read it" htmlFor={`${id}-visibility`} error={message("visibility")}>
                <VisibilitySelect id={`${id}-visibility`} value={visibility} onChange={setVisibility} />
              </Field>
            </div>
            {tags.length ? (
              <ul className="cm-chips" id={`${id}-tags-chips`} aria-label="Tags as they will be saved" data-testid="tag-chips">
                {tags.map((t) => (
                  <li key={t} className={"cm-tag" + (tags.indexOf(t) >= MAX_TAGS ? " cm-tag-over" : "")}>
                    #{t}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </Card>
        <Card title={`Attachments (${drafts.length} of ${MAX_ATTACHMENTS})`}>
          <div className="stack">
            {drafts.length ? (
              <ul className="cm-drafts" aria-label="Attached" data-testid="attached">
                {drafts.map((d, i) => {
                  const problem = byAttachment.get(i);
                  return (
                    <li key={typeof d.item === "string" ? d.item : `${d.item.type}-${d.item.id}`} className={problem ? "field-invalid" : undefined}>
                      {d.preview ? <img src={d.preview} alt="" className="cm-thumb" /> : null}
                      <span className="cm-draft-label">{d.label}</span>
                      <button
                        type="button"
                        className="cm-small"
                        aria-label={`Remove ${d.label}`}
                        onClick={() => {
                          // The API's errors name attachments by position: they no longer apply.
                          publish.reset();
                          setDrafts((all) => all.filter((_, j) => j !== i));
                        }}
                      >
                        Remove
                      </button>
                      {problem ? (
                        <span className="field-error" role="alert" data-testid={`attachment-error-${i}`}>
                          {problem}
                        </span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="muted cm-no-drafts">Share an alert, an indicator or a backtest: readers can clone it into their account.</p>
            )}
            {message("attachments") && !byAttachment.size ? (
              <p className="field-error" role="alert">
                {message("attachments")}
              </p>
            ) : null}
            {full ? <p className="muted">That is the most a post takes: remove one to attach another.</p> : null}
            <AttachmentPicker drafts={drafts} full={full} onAdd={(d) => setDrafts((all) => (all.length >= MAX_ATTACHMENTS ? all : [...all, d]))} />
          </div>
        </Card>
        <div className="cm-inline">
          <button type="submit" className="primary" disabled={publish.isPending}>
            {publish.isPending ? "Publishing…" : "Publish"}
          </button>
          <Link to="/community">Cancel</Link>
        </div>
      </form>
    </Page>
  );
}
