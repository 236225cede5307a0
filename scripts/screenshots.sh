#!/usr/bin/env bash
# Regenerates the README's report screenshots, docs/report-{run,compare,job,sweep}.png:
# runs the README's `--output html` commands (section "HTML reports"), then loads each
# page in headless Chromium with the network disabled and saves a screenshot.
# Needs ../shared/data (the run, job and sweep examples replay real traces) and chromium
# (`sudo apt-get install -y chromium` installs it). The pages are left in target/html-reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/html-reports docs

# The README's commands, exactly (with the page written under target/html-reports/).
cargo run --release --quiet -- run \
  --prices ../shared/data/spot-price-history/eu-west-3a_2020-02-29_to_2020-07-31_ec2-all-prices.csv \
  --advisor ../shared/data/spot-advisor/spot-advisor-data_2021-02-10.json \
  --instance-types c5.2xlarge,m5d.2xlarge --azs eu-west-3a \
  --strategy lowest-price,capacity-optimized --target 10 \
  --output html --out target/html-reports/run.html
cargo run --release --quiet -- compare --tasks 10 --task-vcpu 0.5 --task-memory-gib 1 \
  --output html --out target/html-reports/compare.html
T=../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022
cargo run --release --quiet -- job --trace $T/us-west-2a_v100_1.json --convention available \
  --policy on-demand,greedy,uniform-progress --work-hours 48 --deadline-hours 52 \
  --restart-overhead-hours 0.2 --ondemand-price 3.06 --spot-price 0.9731 \
  --windows 100 --seed 1 --output html --out target/html-reports/job.html
cargo run --release --quiet -- sweep examples/sweep-eu-west-3a.toml --quiet \
  --output html --out target/html-reports/sweep.html

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
shot() { # NAME HEIGHT
  chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
    --hide-scrollbars --user-data-dir="$profile/$1" --window-size="1280,$2" \
    --screenshot="docs/report-$1.png" "file://$PWD/target/html-reports/$1.html" 2>/dev/null
}
shot run 4700
shot compare 2000
shot job 2700
shot sweep 2000
ls -l docs/report-*.png
