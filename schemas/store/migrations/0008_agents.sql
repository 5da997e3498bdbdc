-- Names seen for each Agent and Identified Group, for the Agents resource
-- (Communication 2.4: the Person object lists every name the LRS has for an
-- agent). The processor writes one row per (agent IFI key, name) found in a
-- stored statement: actor, object, authority, context instructor and team,
-- 2.0 contextAgents/contextGroups, Group members, and the same places inside
-- a SubStatement. agent_key is xapi.AgentKey (the canonical IFI). A name seen
-- again only moves `stored` forward: ReplacingMergeTree(stored) keeps one row
-- per name on merge and readers use max(stored) / DISTINCT until then.
CREATE TABLE IF NOT EXISTS {db}.agent_names
(
    tenant    LowCardinality(String),
    agent_key String,
    name      String,
    stored    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(stored)
ORDER BY (tenant, agent_key, name);
