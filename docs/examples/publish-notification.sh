#!/bin/sh
# Publish a notification to one user through npm start's /v1 API, then read its receipt.
# README.md "Publish from another system" shows this file from its step 1 on; test/local/publish-example.test.ts runs it.
# Usage: KEY=$(npm run --silent key -- create my-ci | tail -n 1) sh docs/examples/publish-notification.sh
set -eu
BASE="${BASE:-http://localhost:3001}"
: "${KEY:?set KEY to a publish key from npm run --silent key -- create NAME}"

# 1. Publish: 202 {"id":…,"status":"accepted"}. The same Idempotency-Key and body again within
#    24 h answer the same id and send nothing twice; another body with that key answers 409.
answer=$(curl -sS --fail-with-body -X POST "$BASE/v1/notifications" \
  -H "Authorization: Bearer $KEY" \
  -H "Content-Type: application/json" \
  -H "Idempotency-Key: build-1234" \
  -d '{"to":"user:alice","title":"Build 1234 passed","body":"All 212 tests green.","url":"https://ci.example.com/builds/1234","data":{"build":1234}}')
echo "$answer"
id=$(printf '%s' "$answer" | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')

# 2. The receipt: "accepted" until the stream handler has delivered it, then
#    {"status":"sent","sentAt":…,"deliveries":{"live":N,"line":…,"email":…}}, where each channel says
#    "sent", "not-needed", "digest", "not-configured" or "failed".
curl -sS --fail-with-body "$BASE/v1/notifications/$id" -H "Authorization: Bearer $KEY"
echo
