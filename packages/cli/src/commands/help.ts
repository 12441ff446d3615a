export const HELP: Record<string, string> = {
  main: `github-webhooks: run and inspect the GitHub webhooks pipeline on one machine

Usage: github-webhooks <command> [options]

Commands:
  serve     run the whole pipeline: webhook endpoint, disk archive, Pulse republisher, compactor
  send      sign an example payload (or a file) as GitHub does and POST it to a running stack
  compact   compact raw archive objects into hourly files (a directory or s3://bucket/prefix)
  replay    republish archived public deliveries to Pulse, tagged as replays
  stats     count archived deliveries by hour and event
  listen    print the messages arriving on a Pulse exchange (a consumer for trying things)

Run "github-webhooks <command> --help" for a command's options.`,
  serve: `Usage: github-webhooks serve [options]

Runs the ingestion handler (POST /webhook), the disk archive (S3 key layout), an on-disk outbox
relayed to RabbitMQ, and the compactor on a timer. GET /healthz reports each part.

Options (environment variable in brackets, then default):
  --port N                 [PORT] 8080
  --host ADDR              [HOST] 0.0.0.0
  --secret S               [WEBHOOK_SECRETS, comma-separated] required, repeat for rotation
  --insecure-no-signature  accept unsigned deliveries (trying things out only)
  --archive DIR            [ARCHIVE_DIR] ./data
  --amqp-url URL           [AMQP_URL] amqp://guest:guest@127.0.0.1:5672
  --exchange NAME          [PULSE_EXCHANGE] exchange/github-webhooks/v1
  --exchange-v2 NAME|off   [PULSE_EXCHANGE_V2] exchange/github-webhooks/v2
  --public-events LIST     [PUBLIC_EVENTS] the default allowlist
  --compact-every SECONDS  [COMPACT_EVERY_SECONDS] 600 (0: never)
  --lateness SECONDS       [LATENESS_SECONDS] 120 (at least 30), wait after an hour ends before compacting it`,
  send: `Usage: github-webhooks send [options]

Options:
  --url URL        where to POST (default http://127.0.0.1:$PORT/webhook, PORT defaulting to 8080)
  --secret S       signing secret (default: the first of WEBHOOK_SECRETS; none: unsigned)
  --event NAME     event to send (default push)
  --example N      which github.com example of the event (default 0)
  --file PATH      send this file's bytes as the payload instead of an example
  --id GUID        delivery id (default: a new one; reuse one to simulate a redelivery)`,
  compact: `Usage: github-webhooks compact [options]

Options:
  --archive DIR|s3://bucket/prefix  [ARCHIVE_DIR] ./data
  --hour YYYY-MM-DDTHH              compact this hour only (once it has closed)
  --all                             compact every closed hour that needs it (the default)
  --legacy-prefix PREFIX            import the original system's archive under PREFIX
  --lateness SECONDS                wait after an hour ends before compacting it (default 120, at least 30)
  --buffer SECONDS                  Firehose buffer interval (default 900 for s3://, 0 for a directory)
  --disposal delete|tag             what happens to compacted raw objects (default delete)
  --json                            print the report as JSON`,
  replay: `Usage: github-webhooks replay --from TIME [options]

Republishes archived public deliveries to Pulse with the AMQP header x-github-webhooks-replay: true.
Private deliveries are never published.

Options:
  --from TIME         start (inclusive): an hour YYYY-MM-DDTHH or an ISO-8601 time
  --to TIME           end (exclusive), default now
  --event NAME        only this event
  --repo OWNER/NAME   only this repository
  --dry-run           count what would be published, publish nothing
  --rate N            messages per second at most (default 50)
  --archive DIR|s3:// [ARCHIVE_DIR] ./data
  --amqp-url URL      [AMQP_URL] amqp://guest:guest@127.0.0.1:5672
  --exchange NAME     [PULSE_EXCHANGE], --exchange-v2 NAME|off [PULSE_EXCHANGE_V2]
  --public-events LIST [PUBLIC_EVENTS]`,
  listen: `Usage: github-webhooks listen [options]

Binds a temporary queue to the exchange and prints one JSON line per message.

Options:
  --exchange NAME    [PULSE_EXCHANGE] exchange/github-webhooks/v1
  --pattern P        binding pattern, repeatable (default #); on v2, e.g. mozilla.# or *.*.push
  --count N          stop after N messages (default: until Ctrl-C)
  --amqp-url URL     [AMQP_URL] amqp://guest:guest@127.0.0.1:5672`,
  stats: `Usage: github-webhooks stats [options]

Options:
  --archive DIR|s3:// [ARCHIVE_DIR] ./data
  --from TIME         start (inclusive), default: the beginning
  --to TIME           end (exclusive), default: now
  --json              print JSON`,
};
