#!/bin/sh
# Schedule a notification through npm start's /v1 API, then schedule another and cancel it.
# README.md "Publish from another system" shows this file from its step 1 on; test/local/publish-example.test.ts runs it.
# Usage: KEY=$(npm run --silent key -- create my-ci | tail -n 1) sh docs/examples/schedule-notification.sh
set -eu
BASE="${BASE:-http://localhost:3001}"
: "${KEY:?set KEY to a publish key from npm run --silent key -- create NAME}"

# 1. Schedule: "sendAt" is an ISO 8601 time with Z or an offset, up to 366 days ahead (here in
#    5 s; GNU date, else BSD date). 202 {"id":…,"status":"scheduled","sendAt":…}; nothing is
#    delivered before sendAt, and it goes out at most 60 s after.
send_at=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+5S +%Y-%m-%dT%H:%M:%SZ)
answer=$(curl -sS --fail-with-body -X POST "$BASE/v1/notifications" \
  -H "Authorization: Bearer $KEY" \
  -H "Content-Type: application/json" \
  -H "Idempotency-Key: standup-reminder-$send_at" \
  -d "{\"to\":\"user:alice\",\"title\":\"Standup in 5 minutes\",\"sendAt\":\"$send_at\"}")
echo "$answer"
id=$(printf '%s' "$answer" | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')

# 2. Its receipt says "scheduled" with its sendAt until it goes out, then "sent".
curl -sS --fail-with-body "$BASE/v1/notifications/$id" -H "Authorization: Bearer $KEY"
echo

# 3. Another one, taken back before its time: DELETE answers 204 (again 204), and nothing is
#    delivered; one already sent answers 409.
later=$(curl -sS --fail-with-body -X POST "$BASE/v1/notifications" \
  -H "Authorization: Bearer $KEY" \
  -H "Content-Type: application/json" \
  -d "{\"to\":\"user:alice\",\"title\":\"Cancelled meeting\",\"sendAt\":\"$send_at\"}")
later_id=$(printf '%s' "$later" | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')
curl -sS --fail-with-body -o /dev/null -w '%{http_code}\n' -X DELETE "$BASE/v1/notifications/$later_id" \
  -H "Authorization: Bearer $KEY"
curl -sS --fail-with-body "$BASE/v1/notifications/$later_id" -H "Authorization: Bearer $KEY"
echo
