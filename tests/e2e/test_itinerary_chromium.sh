#!/usr/bin/env bash
# itinerary.html in a real browser (headless Chromium), in English and in
# Spanish: the page renders (a screenshot and a PDF are written), the DOM
# holds a card for every trip day and the before/after strip with the plan's
# numbers, and loading the page makes no network request.
#
# Pages come from two sources:
#   - the fixture of tests/adapters/test_itinerary.c (`--write DIR LANG`),
#     a family with an overnight stay, a video visit, a home visit and an
#     unplaced visit;
#   - `careday plan` on cases under tests/data/cases, when the careday
#     binary is built (CAREDAY); their plan.json says which cards to expect.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root),
# CAREDAY_BUILD_DIR (build tree), CHROMIUM (browser, default: chromium on
# PATH), CAREDAY_E2E_KEEP=1 keeps the output folder (screenshots to look at).
# The last line is "N passed, M failed"; the exit status is non-zero on any
# failure.
. "$(dirname "$0")/lib.sh"

build=${CAREDAY_BUILD_DIR:-$SRC/build}
fixture_writer=$build/tests/adapters_test_itinerary
export CAREDAY_NOW=${CAREDAY_NOW:-2026-11-30T12:00:00Z}

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
    done
fi
if [ -z "$browser" ]; then
    bad "no Chromium found (install the Debian package \"chromium\" or set CHROMIUM)"
    finish
fi
if ! command -v python3 >/dev/null 2>&1; then
    bad "python3 is needed to read the DOM and the network log"
    finish
fi

work=$tmp
if [ "${CAREDAY_E2E_KEEP:-0}" = 1 ]; then KEEP=1; fi

# Every run is offline by construction: a proxy on a loopback port nobody
# listens on, and no host name resolves. Background services of the browser
# are switched off; what is left of them is told apart from the page's own
# requests in the network log (see netlog_page_requests).
run_browser() {
    timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run \
        --no-default-browser-check --disable-background-networking --disable-component-update \
        --disable-sync --disable-default-apps --disable-extensions --hide-scrollbars \
        --user-data-dir="$work/profile" \
        --proxy-server=http://127.0.0.1:9 --host-resolver-rules="MAP * ~NOTFOUND" "$@" \
        2>>"$work/browser.log"
}

# Print, one a line, the URLs the page itself asked for (not file:/data:):
# requests whose network isolation key is the page's file:// site or whose
# initiator is an origin. The browser's own update and account checks carry
# neither.
netlog_page_requests() {
    python3 - "$1" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read().rstrip().rstrip(",")
try:
    log = json.loads(text)
except ValueError:
    log = json.loads(text + "]}")
names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
for e in log.get("events", []):
    if names.get(e.get("type")) != "URL_REQUEST_START_JOB":
        continue
    p = e.get("params", {})
    url = p.get("url", "")
    if url.startswith(("file:", "data:", "about:", "chrome:")):
        continue
    nik = p.get("network_isolation_key", "")
    initiator = p.get("initiator", "not an origin")
    if "file://" in nik or initiator not in ("not an origin",):
        print(url)
EOF
}

# check_page NAME HTML LANG EXPECT_JSON: EXPECT_JSON lists trip dates and
# the before/after numbers: {"trips": [...], "plan": {...}, "baseline": {...}}.
check_page() {
    local name=$1 html=$2 lang=$3 expect=$4
    local dir=$work/$name
    mkdir -p "$dir"
    if [ ! -s "$html" ]; then
        bad "$name: no itinerary.html"
        return
    fi

    # DOM and network log in one load.
    if run_browser --log-net-log="$dir/netlog.json" --net-log-capture-mode=Default \
        --dump-dom "file://$html" >"$dir/dom.html" && [ -s "$dir/dom.html" ]; then
        ok "$name: the page loads"
    else
        bad "$name: Chromium could not load the page (see $work/browser.log)"
        return
    fi
    local requests
    requests=$(netlog_page_requests "$dir/netlog.json")
    if [ -z "$requests" ]; then
        ok "$name: no network request"
    else
        bad "$name: the page asked the network for: $requests"
    fi

    local dom_report
    if dom_report=$(python3 - "$dir/dom.html" "$lang" "$expect" <<'EOF'
import json, sys
from html.parser import HTMLParser

dom_path, lang, expect = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

class Page(HTMLParser):
    """Collects the text of every element with an id or data-measure, and
    the structure the checks need."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []      # open elements: (tag, key or None)
        self.text = {}       # key -> text
        self.html_lang = None
        self.headings = []   # (level, text)
        self.cur_heading = None
        self.cards = {}      # card id -> {"leave", "back", "items"}
        self.card = None
        self.cls = []
        self.scripts = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "script":
            self.scripts += 1
        key = a.get("id") or (("measure:" + a["data-measure"]) if "data-measure" in a else None)
        if tag in ("br", "meta", "img", "input", "link", "hr"):
            return
        self.stack.append((tag, key, a.get("class", "")))
        if key:
            self.text.setdefault(key, "")
        if tag in ("h1", "h2", "h3"):
            self.cur_heading = [int(tag[1]), ""]
        if tag == "article" and "trip" in a.get("class", "").split():
            self.card = a.get("id")
            self.cards[self.card] = {"leave": "", "back": "", "items": 0}
        if self.card and tag == "li":
            self.cards[self.card]["items"] += 1
    def handle_endtag(self, tag):
        while self.stack:
            t, key, cls = self.stack.pop()
            if tag in ("h1", "h2", "h3") and t == tag and self.cur_heading:
                self.headings.append(tuple(self.cur_heading))
                self.cur_heading = None
            if t == "article":
                self.card = None
            if t == tag:
                break
    def handle_data(self, data):
        for t, key, cls in self.stack:
            if key:
                self.text[key] += " " + data
            if self.card and t == "p" and cls in ("leave", "back"):
                self.cards[self.card][cls] += data
        if self.cur_heading:
            self.cur_heading[1] += data

page = Page()
page.feed(open(dom_path, encoding="utf-8").read())
problems = []
if page.html_lang != lang:
    problems.append(f"<html lang> is {page.html_lang!r}, expected {lang!r}")
if page.scripts:
    problems.append("the page has a script")
levels = [h[0] for h in page.headings]
if levels.count(1) != 1:
    problems.append(f"{levels.count(1)} h1 headings")
for sec in ("compare", "calendar", "days"):
    if sec not in page.text:
        problems.append(f"no section #{sec}")
want_cards = {"trip-" + d for d in expect["trips"]}
have_cards = set(page.cards)
if want_cards != have_cards:
    problems.append(f"trip cards {sorted(have_cards)}, expected {sorted(want_cards)}")
for cid, card in sorted(page.cards.items()):
    if not card["leave"].strip() or not card["back"].strip() or card["items"] < 1:
        problems.append(f"{cid}: missing leave-by, back-about or visits ({card})")
    digits = [ch for ch in card["leave"] if ch.isdigit()]
    if not digits:
        problems.append(f"{cid}: leave-by has no time: {card['leave']!r}")
def first_number(s):
    num = ""
    for ch in s.strip():
        if ch.isdigit():
            num += ch
        elif num:
            break
    return int(num) if num else None
for measure in ("trips", "in_person"):
    row = page.text.get("measure:" + measure)
    if row is None:
        problems.append(f"no before/after row {measure}")
        continue
    numbers = [int(x) for x in row.replace("(", " ").split() if x.isdigit()]
    want = [expect["baseline"][measure], expect["plan"][measure]]
    if numbers[:2] != want:
        problems.append(f"before/after {measure}: {numbers[:2]}, expected {want} in {row!r}")
if "measure:travel" not in page.text:
    problems.append("no before/after row for time on the road")
if expect.get("lang_words"):
    body = " ".join(page.text.values())
    for w in expect["lang_words"]:
        if w not in body:
            problems.append(f"missing {w!r}")
if problems:
    print("; ".join(problems))
    sys.exit(1)
print(f"{len(page.cards)} trip cards, before/after strip")
EOF
    ); then
        ok "$name: DOM: $dom_report"
    else
        bad "$name: DOM: $dom_report"
    fi

    # A screenshot at phone and desktop widths, and a printed PDF.
    local w
    for w in 390 1000; do
        rm -f "$dir/screen-$w.png"
        run_browser --window-size="$w,2400" --screenshot="$dir/screen-$w.png" "file://$html" \
            >/dev/null
        if [ -s "$dir/screen-$w.png" ] && [ "$(head -c 8 "$dir/screen-$w.png" | od -An -tx1 |
            tr -d ' \n')" = 89504e470d0a1a0a ] && [ "$(stat -c %s "$dir/screen-$w.png")" -gt 20000 ]; then
            ok "$name: screenshot at ${w}px"
        else
            bad "$name: no screenshot at ${w}px"
        fi
    done
    run_browser --no-pdf-header-footer --print-to-pdf="$dir/print.pdf" "file://$html" >/dev/null
    if [ -s "$dir/print.pdf" ] && [ "$(head -c 4 "$dir/print.pdf")" = "%PDF" ]; then
        ok "$name: prints to PDF"
    else
        bad "$name: printing to PDF failed"
    fi
}

# The detector must see what it is meant to catch: a page with an image and
# a stylesheet from the network.
mkdir -p "$work/probe"
cat >"$work/probe/probe.html" <<'EOF'
<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="https://fonts.careday-probe.example/a.css"></head>
<body><img src="http://careday-probe.example/x.png" alt=""></body></html>
EOF
run_browser --log-net-log="$work/probe/netlog.json" --net-log-capture-mode=Default \
    --dump-dom "file://$work/probe/probe.html" >/dev/null
probe=$(netlog_page_requests "$work/probe/netlog.json")
if echo "$probe" | grep -q careday-probe.example/x.png &&
    echo "$probe" | grep -q fonts.careday-probe.example; then
    ok "the network check sees a page's requests"
else
    bad "the network check missed the probe page's requests (saw: $probe)"
fi

# 1. The fixture page.
if [ -x "$fixture_writer" ]; then
    for lang in en es; do
        mkdir -p "$work/fixture-$lang"
        if "$fixture_writer" --write "$work/fixture-$lang" "$lang"; then
            if [ "$lang" = en ]; then
                words='["Leave home by 7:45 AM", "Tuesday, December 8, 2026", "3 fewer"]'
            else
                words='["Salir de casa antes de las 7:45", "martes, 8 de diciembre de 2026", "3 menos"]'
            fi
            check_page "fixture-$lang" "$work/fixture-$lang/itinerary.html" "$lang" \
                "{\"trips\": [\"2026-12-08\", \"2026-12-09\"],
                  \"plan\": {\"trips\": 2, \"in_person\": 3},
                  \"baseline\": {\"trips\": 5, \"in_person\": 5}, \"lang_words\": $words}"
        else
            bad "fixture-$lang: the fixture page could not be written"
        fi
    done
else
    bad "no $fixture_writer: build the target adapters_test_itinerary"
fi

# 2. careday plan on bundled cases.
if [ -x "$CAREDAY" ]; then
    for file in "$SRC"/tests/data/cases/{overnight-beats-day-trips,telehealth-saves-trip,four-visits-one-trip}/case.json \
        "$SRC"/examples/*.json; do
        [ -f "$file" ] || continue
        case=$(basename "$file" .json)
        [ "$case" = case ] && case=$(basename "$(dirname "$file")")
        for lang in en es; do
            out=$work/$case-$lang
            "$CAREDAY" plan "$file" -o "$out" --lang "$lang" --quiet >"$work/$case-$lang.log" 2>&1
            code=$?
            if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
                bad "$case ($lang): careday plan exited $code: $(tail -n 3 "$work/$case-$lang.log")"
                continue
            fi
            expect=$(python3 - "$out/plan.json" <<'EOF'
import json, sys
plan = json.load(open(sys.argv[1], encoding="utf-8"))
base = plan.get("baseline", {})
base = base.get("metrics", base)
print(json.dumps({"trips": [t["date"] for t in plan.get("trips", [])],
                  "plan": plan["metrics"], "baseline": base}))
EOF
            ) || {
                bad "$case ($lang): plan.json unreadable"
                continue
            }
            check_page "$case-$lang" "$out/itinerary.html" "$lang" "$expect"
        done
    done
else
    echo "note: $CAREDAY is not built; only the fixture pages were checked"
fi

finish
