// Read every .ics file named on the command line with ical.js (Mozilla's
// parser, used by Thunderbird and many web calendars): each must parse, and
// every VEVENT must give an ICAL.Event with a start, an end not before it, a
// UID and a summary. One line per problem; exit 1 on any. The last line is
// "N passed, M failed".
"use strict";
const fs = require("fs");
const ICAL = require("ical.js");

let passed = 0, failed = 0;
for (const path of process.argv.slice(2)) {
  const problems = [];
  try {
    const comp = new ICAL.Component(ICAL.parse(fs.readFileSync(path, "utf8")));
    if (comp.name !== "vcalendar") problems.push("not a VCALENDAR");
    const events = comp.getAllSubcomponents("vevent");
    for (const v of events) {
      const e = new ICAL.Event(v);
      const uid = e.uid || "(no UID)";
      if (!e.uid) problems.push("a VEVENT without UID");
      if (!e.summary) problems.push(uid + ": no SUMMARY");
      if (!e.startDate) problems.push(uid + ": no DTSTART");
      else if (e.endDate && e.endDate.compare(e.startDate) < 0) problems.push(uid + ": ends before it starts");
      for (const a of v.getAllSubcomponents("valarm")) {
        if (!a.getFirstPropertyValue("trigger")) problems.push(uid + ": VALARM without TRIGGER");
      }
    }
  } catch (err) {
    problems.push("ical.js: " + err.message);
  }
  if (problems.length) {
    failed++;
    for (const p of problems) console.log("FAIL " + path + ": " + p);
  } else {
    passed++;
  }
}
console.log(passed + " passed, " + failed + " failed");
process.exit(failed ? 1 : 0);
