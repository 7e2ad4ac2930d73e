/**
 * Feature files fetched once per browser session.
 *
 * The cache lives at module level, outside React, so it survives reruns, step changes and
 * re-renders: a layer's bytes cross the network once, however often Python reruns the page.
 * Concurrent requests for the same entry share one fetch. Bytes stream into a buffer of the
 * announced size (no copy after arrival) and progress is reported for the loading state.
 *
 * A download that stops receiving bytes (a server that stalled, a connection that died without
 * closing) is abandoned after a while and asked for again: without this, the panel stayed at
 * "Loading conv2_x… 35 %" for good (issue 11.2), and since the view and this cache outlive
 * steps, coming back to the step found the same stalled download.
 */
import type { LayerSource } from "../contract";
import { mark } from "../timeline";
import { type FeatureFile, FeatureFormatError, checkAnnounced, parseFeatureFile } from "./featureFile";

export interface LoadProgress {
  readonly received: number;
  readonly total: number;
}

/** What has crossed the network, for the browser tests' "sent once" check. */
export interface TransferStats {
  readonly fetches: number;
  readonly bytes: number;
  readonly perEntry: Readonly<Record<string, { fetches: number; bytes: number }>>;
}

interface Entry {
  readonly promise: Promise<FeatureFile>;
  file: FeatureFile | null;
  lastUsed: number;
  listeners: Set<(progress: LoadProgress) => void>;
  /** Asked for by load(), not only prefetched: a failure is then forgotten at once. */
  claimed: boolean;
  /** The fetch failed before anyone claimed it: the first load() reports it, then forgets it. */
  failed: boolean;
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** How often a download reports its progress (each report redraws the panel's bar). */
const PROGRESS_INTERVAL_MS = 100;

/** A download that receives nothing for this long is abandoned and asked for again. */
export const STALL_MS = 20_000;
/** Downloads of one entry before the panel reports the failure (a reload tries again). */
export const MAX_ATTEMPTS = 4;

/** No byte arrived for too long. */
class StalledError extends Error {
  override name = "StalledError";
}

/** Bytes kept for entries no longer on screen before the least recently used ones are dropped. */
export const DEFAULT_BUDGET_BYTES = 1024 * 1024 * 1024;

export class FeatureCache {
  private readonly entries = new Map<string, Entry>();
  private readonly transfers = new Map<string, { fetches: number; bytes: number }>();
  private clock = 0;

  constructor(
    private readonly fetchImpl: Fetch = (url, init) => fetch(url, init),
    private readonly budgetBytes = DEFAULT_BUDGET_BYTES,
    private readonly stallMs = STALL_MS,
  ) {}

  /** The parsed file of a layer: from memory if this session fetched it before. */
  load(source: LayerSource, onProgress?: (progress: LoadProgress) => void): Promise<FeatureFile> {
    const entry = this.entry(source);
    entry.claimed = true;
    if (entry.failed && this.entries.get(source.entryId) === entry) {
      this.entries.delete(source.entryId); // reported once (below), then tried afresh
    }
    entry.lastUsed = ++this.clock;
    if (onProgress !== undefined && entry.file === null) {
      entry.listeners.add(onProgress);
    }
    return entry.promise;
  }

  /**
   * Start fetching the layers now, before whoever shows them asks (the view's frame calls
   * this as its arguments arrive, while its code chunk loads and its WebGL context starts).
   * The download is the one load() then joins; a failure waits for load() to report it, so
   * a broken file is fetched once per try, as without the prefetch. Settles (never rejects)
   * when every download has ended, either way.
   */
  prefetch(sources: readonly LayerSource[]): Promise<void> {
    const downloads = sources.map((source) => this.entry(source).promise);
    return Promise.allSettled(downloads).then(() => undefined);
  }

  private entry(source: LayerSource): Entry {
    const known = this.entries.get(source.entryId);
    if (known !== undefined) {
      return known;
    }
    const listeners = new Set<(progress: LoadProgress) => void>();
    const promise = this.fetchPatiently(source, listeners);
    const created: Entry = { promise, file: null, lastUsed: 0, listeners, claimed: false, failed: false };
    this.entries.set(source.entryId, created);
    promise.then(
      (file) => {
        created.file = file;
        created.listeners.clear();
      },
      () => {
        // A failed fetch is forgotten so that the next render can try again; one nobody
        // asked for yet stays until load() has reported it.
        created.failed = true;
        if (created.claimed && this.entries.get(source.entryId) === created) {
          this.entries.delete(source.entryId);
        }
      },
    );
    return created;
  }

  /** Drop least recently used files that are not in use until the rest fits the budget. */
  trim(inUse: ReadonlySet<string>): void {
    let total = 0;
    for (const entry of this.entries.values()) {
      total += entry.file?.byteLength ?? 0;
    }
    const candidates = [...this.entries]
      .filter(([id, entry]) => !inUse.has(id) && entry.file !== null)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [id, entry] of candidates) {
      if (total <= this.budgetBytes) {
        break;
      }
      total -= entry.file?.byteLength ?? 0;
      this.entries.delete(id);
    }
  }

  stats(): TransferStats {
    let fetches = 0;
    let bytes = 0;
    const perEntry: Record<string, { fetches: number; bytes: number }> = {};
    for (const [id, transfer] of this.transfers) {
      fetches += transfer.fetches;
      bytes += transfer.bytes;
      perEntry[id] = { ...transfer };
    }
    return { fetches, bytes, perEntry };
  }

  /** Download, asking again (from the start) when a download stalls. */
  private async fetchPatiently(
    source: LayerSource,
    listeners: ReadonlySet<(progress: LoadProgress) => void>,
  ): Promise<FeatureFile> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetchFile(source, listeners);
      } catch (error) {
        if (!(error instanceof StalledError) || attempt >= MAX_ATTEMPTS) {
          throw error instanceof StalledError
            ? new FeatureFormatError(`${source.layer} (${source.url}): ${error.message}`)
            : error;
        }
      }
    }
  }

  /** `step` (a fetch or a read), abandoned with `abort` when nothing comes for `stallMs`. */
  private within<T>(step: Promise<T>, abort: AbortController): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = Math.round(this.stallMs / 1000).toString();
        // Rejected before the abort, so that the stall (not the abort) is what the race reports.
        reject(
          new StalledError(`no data from the server for ${seconds} s (${MAX_ATTEMPTS.toString()} tries)`),
        );
        abort.abort();
      }, this.stallMs);
    });
    return Promise.race([step, stalled]).finally(() => {
      clearTimeout(timer);
    });
  }

  private async fetchFile(
    source: LayerSource,
    listeners: ReadonlySet<(progress: LoadProgress) => void>,
  ): Promise<FeatureFile> {
    const transfer = this.transfers.get(source.entryId) ?? { fetches: 0, bytes: 0 };
    this.transfers.set(source.entryId, transfer);
    transfer.fetches += 1;
    const name = `${source.layer} (${source.url})`;
    mark("fetch-start");
    mark(`fetch-start:${source.entryId}`);
    const abort = new AbortController();
    const response = await this.within(
      this.fetchImpl(source.url, { credentials: "same-origin", signal: abort.signal }),
      abort,
    );
    if (!response.ok) {
      const detail = (await response.text().catch(() => "")).trim();
      throw new FeatureFormatError(
        `${name}: the server answered ${response.status.toString()} ${response.statusText}` +
          (detail ? ` (${detail})` : ""),
      );
    }
    const buffer = new ArrayBuffer(source.nbytes);
    const target = new Uint8Array(buffer);
    let received = 0;
    for (const listener of listeners) {
      listener({ received, total: source.nbytes }); // a new attempt starts from nothing
    }
    let reported = 0;
    // Progress redraws the page: a few times a second is enough, not once per network chunk.
    const report = (): void => {
      const now = performance.now();
      if (now - reported < PROGRESS_INTERVAL_MS && received < source.nbytes) {
        return;
      }
      reported = now;
      for (const listener of listeners) {
        listener({ received, total: source.nbytes });
      }
    };
    const body = response.body;
    if (body === null) {
      throw new FeatureFormatError(`${name}: the response has no body`);
    }
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await this.within(reader.read(), abort);
      if (done) {
        break;
      }
      transfer.bytes += value.byteLength;
      if (received + value.byteLength > source.nbytes) {
        await reader.cancel();
        throw new FeatureFormatError(
          `${name}: the file is larger than the ${source.nbytes.toString()} bytes announced (stale page?)`,
        );
      }
      target.set(value, received);
      received += value.byteLength;
      report();
    }
    if (received !== source.nbytes) {
      throw new FeatureFormatError(
        `${name}: received ${received.toString()} of ${source.nbytes.toString()} bytes (the download was cut short)`,
      );
    }
    mark(`fetched:${source.entryId}`);
    const file = parseFeatureFile(buffer, name);
    checkAnnounced(file, source, name);
    mark(`parsed:${source.entryId}`);
    return file;
  }
}

/** The session-wide cache every view in this page shares. */
export const featureCache = new FeatureCache();
