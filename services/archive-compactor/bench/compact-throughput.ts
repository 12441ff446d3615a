/**
 * Compaction throughput and peak memory against a bare gunzip -> gzip -6 stream of the same bytes.
 *
 *   pnpm exec esbuild bench/compact-throughput.ts --bundle --platform=node --outfile=/tmp/cb.cjs && node /tmp/cb.cjs
 *
 * Generates ~300 MB of NDJSON (real webhook payloads, a few % duplicates, slightly out of order)
 * in ~50 gzip raw objects of one hour in a temp directory (FsObjectStore), then alternates, for
 * several rounds: the compaction in a child process; the same bytes through Node's
 * gunzip -> gzip -6 streams in a child process; `zcat | gzip -6`. Each child reports its time and
 * `process.resourceUsage().maxRSS`. Prints medians as JSON.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { formatRecordLine, hourlyKey, manifestKey } from '@github-webhooks/events';
import { FsObjectStore } from '@github-webhooks/object-store';
// The fixture payloads themselves, bundled: the bench runs as one file from anywhere (/tmp).
import githubExamples from '@octokit/webhooks-examples/api.github.com/index.json';
import { compactPending } from '../src';

export interface CompactBenchOptions {
  /** Uncompressed megabytes to generate (10^6 bytes). Default 300. */
  readonly megabytes?: number;
  readonly objects?: number;
  readonly rounds?: number;
  /** Share of records delivered twice (Firehose retries). Default 0.03. */
  readonly duplicateRate?: number;
  readonly log?: (message: string) => void;
  /** Generate into this directory and keep it (to profile a child run by hand). Default: a temp dir, removed. */
  readonly dir?: string;
}

export interface Measurement {
  readonly seconds: number;
  readonly maxRssMb: number | null;
}

export interface CompactBenchResult {
  readonly uncompressedMb: number;
  readonly compressedMb: number;
  readonly objects: number;
  readonly records: number;
  readonly rounds: number;
  readonly compaction: {
    readonly mbPerS: number;
    readonly maxRssMb: number | null;
    readonly seconds: number;
  };
  readonly nodeStream: {
    readonly mbPerS: number;
    readonly maxRssMb: number | null;
    readonly seconds: number;
  };
  readonly zcatGzip: { readonly mbPerS: number; readonly seconds: number } | null;
  /** compaction MB/s ÷ Node stream MB/s (target ≥ 0.8). */
  readonly ratioToNodeStream: number;
}

const HOUR = new Date(Date.UTC(2026, 10, 28, 10));
const RAW_DIR = 'raw/2026/11/28/10';

export async function runCompactBench(options: CompactBenchOptions = {}): Promise<CompactBenchResult> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const root = options.dir ?? (await mkdtemp(join(tmpdir(), 'compact-bench-')));
  try {
    const data = await generate(root, options);
    log(
      `generated ${data.uncompressed / 1e6} MB in ${data.files.length} objects (${data.compressed / 1e6} MB gzip)`,
    );
    const compaction: Measurement[] = [];
    const nodeStream: Measurement[] = [];
    const zcat: Measurement[] = [];
    const rounds = options.rounds ?? 3;
    const hasZcat = commandExists('zcat') && commandExists('gzip');
    for (let round = 1; round <= rounds; round++) {
      // Undo the previous round exactly: the hour's file and manifest (wherever the layout puts
      // them) and the expiry tags, so each round compacts the same hour afresh.
      await new FsObjectStore(root).delete([hourlyKey(HOUR), manifestKey(HOUR)]);
      await rm(join(root, '.tags'), { recursive: true, force: true });
      compaction.push(await runChild(['compact', root]));
      nodeStream.push(await runChild(['node-stream', root, join(root, 'baseline.gz')]));
      if (hasZcat)
        zcat.push(await runShell(`zcat ${data.files.join(' ')} | gzip -6 > ${join(root, 'zcat.gz')}`));
      log(
        `round ${round}: compaction ${fmt(compaction.at(-1))}, node stream ${fmt(nodeStream.at(-1))}` +
          (hasZcat ? `, zcat|gzip ${fmt(zcat.at(-1))}` : ''),
      );
    }
    const mb = data.uncompressed / 1e6;
    const summary = (ms: Measurement[]) => {
      const seconds = median(ms.map((m) => m.seconds));
      const rss = ms.map((m) => m.maxRssMb).filter((r): r is number => r !== null);
      return { seconds, mbPerS: round2(mb / seconds), maxRssMb: rss.length ? Math.max(...rss) : null };
    };
    const c = summary(compaction);
    const n = summary(nodeStream);
    const z = hasZcat ? summary(zcat) : null;
    return {
      uncompressedMb: round2(mb),
      compressedMb: round2(data.compressed / 1e6),
      objects: data.files.length,
      records: data.records,
      rounds,
      compaction: c,
      nodeStream: n,
      zcatGzip: z && { mbPerS: z.mbPerS, seconds: z.seconds },
      ratioToNodeStream: round2(c.mbPerS / n.mbPerS),
    };
  } finally {
    if (options.dir === undefined) await rm(root, { recursive: true, force: true });
  }
}

async function generate(root: string, options: CompactBenchOptions) {
  const target = (options.megabytes ?? 300) * 1e6;
  const objectCount = options.objects ?? 50;
  const duplicateRate = options.duplicateRate ?? 0.03;
  const payloads = (githubExamples as unknown as { name: string; examples: unknown[] }[])
    .flatMap((group) =>
      group.examples.map((payload) => ({ event: group.name, text: JSON.stringify(payload) })),
    )
    .filter((p) => p.text.length < 60_000);
  const store = new FsObjectStore(root);
  const perObject = target / objectCount;
  const slice = 3_600_000 / objectCount;
  let uncompressed = 0;
  let compressed = 0;
  let records = 0;
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const files: string[] = [];
  let retries: string[] = [];
  for (let o = 0; o < objectCount; o++) {
    const lines: string[] = retries;
    retries = [];
    let bytes = lines.reduce((n, l) => n + l.length, 0);
    let i = 0;
    while (bytes < perObject) {
      const payload = payloads[(o * 7919 + i) % payloads.length] as { event: string; text: string };
      // Arrival order with ±2 s of jitter: concurrent ingestion Lambdas finish out of order.
      const ms = Math.min(3_599_999, Math.floor(o * slice + (i / 400) * slice + (random() - 0.5) * 4000));
      const line = formatRecordLine(
        {
          deliveryId: `${o}-${i}-${Math.floor(random() * 1e9)}`,
          event: payload.event,
          receivedAt: new Date(HOUR.getTime() + Math.max(0, ms)),
          public: true,
        },
        { payloadText: payload.text },
      );
      lines.push(line);
      if (random() < duplicateRate) retries.push(line);
      bytes += line.length;
      i++;
    }
    const body = Buffer.from(lines.join(''));
    const gz = gzipSync(body);
    const key = `${RAW_DIR}/github-webhooks-1-2026-11-28-10-${String(o).padStart(2, '0')}`;
    await store.write(key, gz);
    files.push(join(root, ...key.split('/')));
    uncompressed += body.length;
    compressed += gz.length;
    records += lines.length;
  }
  return { files, uncompressed, compressed, records };
}

function runChild(args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    // This very file (the bundle), whoever loaded it.
    const child = spawn(process.execPath, [__filename, '--child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`child ${args[0]} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as Measurement);
    });
  });
}

function runShell(command: string): Promise<Measurement> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited with ${code}`));
      else resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, maxRssMb: null });
    });
  });
}

/** Runs in the child process: one measured task, then its time and peak RSS on stdout. */
async function child(args: string[]): Promise<void> {
  const [task, root, out] = args;
  const start = process.hrtime.bigint();
  if (task === 'compact') {
    const store = new FsObjectStore(root as string);
    const report = await compactPending({
      store,
      now: new Date(HOUR.getTime() + 3 * 3_600_000),
      latenessMs: 0,
      disposal: 'tag',
    });
    if (report.hoursCompacted !== 1)
      throw new Error(`expected one hour compacted: ${JSON.stringify(report)}`);
  } else if (task === 'node-stream') {
    const store = new FsObjectStore(root as string);
    const output = createGzip({ level: 6 });
    const written = pipeline(output, createWriteStream(out as string));
    for await (const object of store.list(`${RAW_DIR}/`)) {
      await pipeline(
        createReadStream(join(root as string, object.key)),
        createGunzip(),
        async function* (source) {
          for await (const chunk of source)
            if (!output.write(chunk)) await new Promise((r) => output.once('drain', r));
        },
      );
    }
    output.end();
    await written;
    await stat(out as string);
  } else {
    throw new Error(`unknown child task ${task}`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // maxRSS is in kilobytes.
  process.stdout.write(
    `${JSON.stringify({ seconds, maxRssMb: round2(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (m: Measurement | undefined) =>
  m ? `${m.seconds.toFixed(2)} s, ${m.maxRssMb ?? '?'} MB RSS` : '-';

function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Size and rounds from COMPACT_BENCH_MB and COMPACT_BENCH_ROUNDS (the root `pnpm bench` sets them). */
function optionsFromEnv(): CompactBenchOptions {
  const megabytes = Number(process.env.COMPACT_BENCH_MB);
  const rounds = Number(process.env.COMPACT_BENCH_ROUNDS);
  return {
    ...(megabytes > 0 ? { megabytes } : {}),
    ...(rounds > 0 ? { rounds } : {}),
  };
}

if (require.main === module) {
  const childAt = process.argv.indexOf('--child');
  const run =
    childAt !== -1
      ? child(process.argv.slice(childAt + 1))
      : runCompactBench(optionsFromEnv()).then((result) =>
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
        );
  run.catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
