"""wrk's Lua scripts: rotate through many requests, and count what each answer was.

With one connection per wrk thread (`-tN -cN`) a thread's answers arrive in the order it sent
its requests, so a script knows which request each status answers: the mixed run and the My
list writes rely on that to count deliberate 4xx and acknowledged writes exactly.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Request:
    kind: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None


def _string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for ASCII text


def _headers(pairs: tuple[tuple[str, str], ...]) -> str:
    return "{" + ", ".join(f"[{_string(k)}] = {_string(v)}" for k, v in pairs) + "}"


def _table(requests: list[Request]) -> str:
    rows = [
        f"  {{{_string(r.kind)}, {_string(r.method)}, {_string(r.path)}, {_headers(r.headers)},"
        f" {_string(r.body) if r.body is not None else 'nil'}}},"
        for r in requests
    ]
    return "{\n" + "\n".join(rows) + "\n}"


_THREADS = """
local threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end
"""


def rotate(path: Path, requests: list[Request], headers: dict[str, str]) -> Path:
    """Each thread sends `requests` in turn, starting at its own place; no per-answer hook, so
    wrk runs at full speed (wrk's own non-2xx count checks the answers)."""
    common = tuple(headers.items())
    table = _table(
        [Request(r.kind, r.path, r.method, common + r.headers, r.body) for r in requests]
    )
    path.write_text(
        f"local requests = {table}\n{_THREADS}"
        """
function init(args)
  built = {}
  for k, r in ipairs(requests) do built[k] = wrk.format(r[2], r[3], r[4], r[5]) end
  at = (id * 7919) % #built
end
function request()
  at = at % #built + 1
  return built[at]
end
"""
    )
    return path


def counted(
    path: Path, requests: list[Request], pattern: list[str], tokens: list[str], report: Path
) -> Path:
    """For `-tN -cN` only. Thread i follows `pattern` (kinds), taking each kind's next request
    in turn, as user i (a header whose value is "TOKEN" becomes its bearer token); kind "add"
    POSTs and the following "remove" DELETEs what it added (the path of the one "remove"
    request, plus the id). Writes `thread kind status count` lines to `report`."""
    path.write_text(
        f"local requests = {_table(requests)}\n"
        f"local pattern = {{{', '.join(_string(k) for k in pattern)}}}\n"
        f"local tokens = {{{', '.join(_string(t) for t in tokens)}}}\n"
        f"local report = {_string(str(report))}\n{_THREADS}"
        """
function init(args)
  local auth = "Bearer " .. tokens[(id - 1) % #tokens + 1]
  by_kind = {}
  for _, r in ipairs(requests) do
    local h = {}
    for k, v in pairs(r[4]) do if v == "TOKEN" then h[k] = auth else h[k] = v end end
    by_kind[r[1]] = by_kind[r[1]] or {}
    table.insert(by_kind[r[1]], {wrk.format(r[2], r[3], h, r[5]), r[3], h})
  end
  next_of = {}
  for kind, list in pairs(by_kind) do next_of[kind] = (id * 7919) % #list end
  step = id % #pattern
  counts = {}
  added = nil
end
function request()
  step = step % #pattern + 1
  kind = pattern[step]
  if kind == "remove" then
    local r = by_kind["remove"][1]
    local target = added or "000000000000000000000000deadbeef"
    added = nil
    return wrk.format("DELETE", r[2] .. target, r[3], nil)
  end
  local list = by_kind[kind]
  next_of[kind] = next_of[kind] % #list + 1
  return list[next_of[kind]][1]
end
function response(status, headers, body)
  local key = kind .. " " .. status
  counts[key] = (counts[key] or 0) + 1
  if kind == "add" and status < 300 then added = string.match(body, '"data":"(%w+)"') end
end
function done(summary, latency, requests)
  local f = io.open(report, "w")
  for _, t in ipairs(threads) do
    local i = t:get("id")
    for key, n in pairs(t:get("counts")) do f:write(i .. " " .. key .. " " .. n .. "\\n") end
  end
  f:close()
end
"""
    )
    return path


def read_counts(report: Path) -> Counter[tuple[str, int]]:
    """(kind, status) -> answers, over every thread."""
    counts: Counter[tuple[str, int]] = Counter()
    for line in report.read_text().splitlines():
        _, kind, status, n = line.split()
        counts[kind, int(status)] += int(n)
    return counts


def my_list_writes(path: Path, tokens: list[str], movie_ids: list[str], report: Path) -> Path:
    """For `-tN -cN` with N = len(tokens): thread i is user i. It adds movie_ids in turn, from
    its own offset, keeping every fourth and removing the others (DELETE of the id the add
    answered). Writes `thread kept|removed movie_id` for every acknowledged write, and
    `thread failed method status` for every other answer, to `report`."""
    tokens_lua = "{" + ", ".join(_string(t) for t in tokens) + "}"
    ids_lua = "{" + ", ".join(_string(m) for m in movie_ids) + "}"
    path.write_text(
        f"local tokens = {tokens_lua}\nlocal movies = {ids_lua}\n"
        f"local report = {_string(str(report))}\n{_THREADS}"
        """
function init(args)
  auth = "Bearer " .. tokens[id]
  at = (id * 997) % #movies
  kept, removed, failed = {}, {}, {}
  adds = 0
  pending = nil   -- the add waiting for its answer, or the remove's movie
  entry = nil     -- the user-movie id to remove next
end
function request()
  local headers = {["Authorization"] = auth, ["Content-Type"] = "application/json"}
  if entry then
    pending = {"remove", entry[2]}
    local path = "/api/user-movies/" .. entry[1]
    entry = nil
    return wrk.format("DELETE", path, headers, nil)
  end
  at = at % #movies + 1
  adds = adds + 1
  pending = {"add", movies[at], adds % 4 == 0}
  return wrk.format("POST", "/api/user-movies", headers, '{"movieId":"' .. movies[at] .. '"}')
end
function response(status, headers, body)
  if status >= 300 then
    table.insert(failed, pending[1] .. " " .. status)
  elseif pending[1] == "add" then
    if pending[3] then
      table.insert(kept, pending[2])
    else
      entry = {string.match(body, '"data":"(%w+)"'), pending[2]}
    end
  else
    table.insert(removed, pending[2])
  end
end
function done(summary, latency, requests)
  local f = io.open(report, "w")
  for _, t in ipairs(threads) do
    local i = t:get("id")
    for _, m in ipairs(t:get("kept")) do f:write(i .. " kept " .. m .. "\\n") end
    for _, m in ipairs(t:get("removed")) do f:write(i .. " removed " .. m .. "\\n") end
    for _, m in ipairs(t:get("failed")) do f:write(i .. " failed " .. m .. "\\n") end
    local e = t:get("entry")
    if e then f:write(i .. " pending " .. e[2] .. "\\n") end
  end
  f:close()
end
"""
    )
    return path
