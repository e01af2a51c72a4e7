#!/usr/bin/env python3
"""Open, check and end a Sessionlimits session for a user your app signed in (stdlib only)."""
import json, os, urllib.error, urllib.request

BASE = os.environ.get("SESSIONLIMITS_URL", "http://127.0.0.1:8080")
KEY = os.environ["SESSIONLIMITS_API_KEY"]  # slk_..., with sessions:open, :read and :end
USER = os.environ.get("DEMO_USER", "alice")

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": "Bearer " + KEY, "Content-Type": "application/json"}
    request = urllib.request.Request(BASE + path, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:  # 4xx and 5xx: the body says why
        text = error.read()
        return error.code, json.loads(text) if text else None

# 1. Your app checked the password itself; now the limits decide.
status, body = call("POST", "/api/v1/service/sessions",
                    {"user": USER, "client_ip": "203.0.113.7", "user_agent": "Mozilla/5.0"})
if status != 201:
    raise SystemExit(f"refused: {status} {body['error']}: {body['message']}")
token = body["token"]  # keep it in your own session cookie
print("opened", body["session"]["id"], "ended", len(body["ended_sessions"]))
# 2. On each request: is the session still live?  3. Sign-out ends it.
print("check", call("GET", "/api/v1/service/sessions/" + token)[0])
print("end", call("DELETE", "/api/v1/service/sessions/" + token)[0])
status, body = call("GET", "/api/v1/service/sessions/" + token)
print("check", status, body["reason"])  # 401 logged_out (or session_limit_reached, ...)
