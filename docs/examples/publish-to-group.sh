#!/bin/sh
# Put two users in a group through npm start's /v1 API, publish to the group, then read the receipt.
# README.md "Publish from another system" shows this file from its step 1 on; test/local/publish-example.test.ts runs it.
# Usage: KEY=$(npm run --silent key -- create my-ci | tail -n 1) sh docs/examples/publish-to-group.sh
set -eu
BASE="${BASE:-http://localhost:3001}"
: "${KEY:?set KEY to a publish key from npm run --silent key -- create NAME}"

# 1. Membership, decided by whoever holds a publish key: PUT answers 201 for a new member, 200 for
#    one already in; DELETE $BASE/v1/groups/NAME/members/USER_ID removes one (204).
for user in alice bob; do
  curl -sS --fail-with-body -o /dev/null -w '%{http_code}\n' -X PUT "$BASE/v1/groups/release-team/members/$user" \
    -H "Authorization: Bearer $KEY"
done
curl -sS --fail-with-body "$BASE/v1/groups/release-team/members" -H "Authorization: Bearer $KEY"
echo

# 2. Publish to the group: 202 as for one user. Every tab of every member gets a frame with
#    "to":"group:release-team" and that member's own "id"; the members are the group's right now.
answer=$(curl -sS --fail-with-body -X POST "$BASE/v1/notifications" \
  -H "Authorization: Bearer $KEY" \
  -H "Content-Type: application/json" \
  -H "Idempotency-Key: release-2.4" \
  -d '{"to":"group:release-team","title":"Release 2.4 is out","url":"https://example.com/releases/2.4"}')
echo "$answer"
id=$(printf '%s' "$answer" | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')

# 3. The receipt adds up over the members: "live" counts the connections reached, "line" is
#    "sent" when any member's LINE push went.
curl -sS --fail-with-body "$BASE/v1/notifications/$id" -H "Authorization: Bearer $KEY"
echo
