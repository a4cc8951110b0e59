-- When each API token last authorised a request (ms); NULL = never. Recorded at most once a
-- minute per token, so a busy script costs one write a minute, not one per call.
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
