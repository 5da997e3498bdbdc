package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ErrConflict means a statement id is already stored with different content.
// xAPI: the first write wins and the later one gets 409 Conflict.
var ErrConflict = errors.New("a statement with this id is already stored with different content")

// StatementRow is one statement as written to statements_in: the bytes as
// stored plus the columns every GET filter reads, extracted once at write time.
type StatementRow struct {
	Tenant            string
	ID                uuid.UUID
	Stored            time.Time
	Timestamp         time.Time
	Version           string
	Verb              string
	ObjectType        string
	ObjectID          string
	Registration      uuid.UUID
	Voids             uuid.UUID
	Agents            []string
	RelatedAgents     []string
	RelatedActivities []string
	Authority         string
	// AuthorityKey is the IFI key of the authority (xapi.AgentKey), "" for
	// an authority without one.
	AuthorityKey string
	ContentHash  string
	Raw          []byte
	// Inherited are the statement_index rows of the statement this one
	// targets with a StatementRef object (and, through it, of that
	// statement's own target, recursively): filters match a referring
	// statement when they match its target (Communication 2.1.3).
	Inherited []IndexRow
	// AgentNames are the names the statement gives Agents and Identified
	// Groups (for the Agents resource's Person object).
	AgentNames []AgentName
	// DefinitionParts are the parts of the definition of every Activity of
	// the statement that carries one (object, context activities, and those
	// of a SubStatement), for the activity_definition_parts table, written
	// through statements_in (migration 0011).
	DefinitionParts []DefinitionPart
	// Batch is the deduplication token of the batch that stores the row
	// (kept in statement_ids, migration 0014).
	Batch string
}

// DefinitionPart is one part of an Activity's definition (xapi.DefinitionPart:
// a language of its name or description, an extension, or another property),
// the unit in which canonical definitions are merged.
type DefinitionPart struct {
	ActivityID, Field, Key, Value string
}

// AgentName is one name a statement gives an Agent or Identified Group,
// keyed by the canonical IFI (xapi.AgentKey).
type AgentName struct {
	Key, Name string
}

// IndexRow is one statement_index row of a statement: the filter kind and key
// it matches, with the columns a query checks alongside (only those of its
// kind, see indexColumns).
type IndexRow struct {
	Kind, Key, Verb string
	ObjectID        string
	Agents          []string
	// Via is the statement the row describes when it is inherited through a
	// StatementRef (nil for a statement's own rows).
	Via uuid.UUID
	// ViaAuthorityKey is the authority's IFI key of the statement the row
	// describes: a statements/read/mine reader counts an inherited row only
	// when it may read that statement too (migration 0012).
	ViaAuthorityKey string
}

// OwnIndexRows are the filter rows of statement_index a statement gets for
// itself, the ones a statement targeting it inherits: the same rows
// statement_index_keys_mv derives from its statements_in columns (migration
// 0016), without its voids, authority and statementref rows (a store test
// holds the two together). A key has one row: an agent of the statement
// (actor, object Agent or Group) gets no related_agent row, the object
// Activity no related_activity row. Via is the statement's id and
// ViaAuthorityKey its authority, for when the rows are inherited by a
// statement targeting it.
func OwnIndexRows(r *StatementRow) []IndexRow {
	var out []IndexRow
	add := func(kind, key string) {
		x := IndexRow{Kind: kind, Key: key, Via: r.ID, ViaAuthorityKey: r.AuthorityKey}
		x.Verb, x.ObjectID, x.Agents = indexColumns(kind, r)
		out = append(out, x)
	}
	for _, a := range r.Agents {
		add("agent", a)
	}
	for _, a := range r.RelatedAgents {
		if !slices.Contains(r.Agents, a) {
			add("related_agent", a)
		}
	}
	add("verb", r.Verb)
	object := r.ObjectType == "Activity"
	if object {
		add("activity", r.ObjectID)
	}
	for _, a := range r.RelatedActivities {
		if !object || a != r.ObjectID {
			add("related_activity", a)
		}
	}
	if r.Registration != uuid.Nil {
		add("registration", r.Registration.String())
	}
	return out
}

// indexColumns are the columns a row of kind carries for a query to decide
// the other filters on it (migration 0016): the verb when a verb filter may
// go with a query this kind drives, the object when an activity filter may,
// the agents when an agent filter may. The query plan (query/statements)
// relies on exactly these.
func indexColumns(kind string, r *StatementRow) (verb, objectID string, agents []string) {
	switch kind {
	case "registration":
		return r.Verb, r.ObjectID, r.Agents
	case "agent", "related_agent":
		return r.Verb, r.ObjectID, nil
	case "activity", "related_activity":
		return r.Verb, "", nil
	}
	return "", "", nil
}

// StatementBatch builds the single insert that stores rows (and, through the
// materialized views, every lookup table).
func StatementBatch(db string, rows []StatementRow) *Batch {
	n := len(rows)
	var (
		tenant, version, verb, objType, objID, authority, hash, raw = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		authorityKey, batch              = make([]string, n), make([]string, n)
		ids, regs, voids                 = make([]uuid.UUID, n), make([]uuid.UUID, n), make([]uuid.UUID, n)
		stored, ts                       = make([]time.Time, n), make([]time.Time, n)
		agents, relAgents, relActivity   = make([][]string, n), make([][]string, n), make([][]string, n)
		refKind, refKey, refVerb, refObj = make([][]string, n), make([][]string, n), make([][]string, n), make([][]string, n)
		refReg, refVia                   = make([][]uuid.UUID, n), make([][]uuid.UUID, n)
		refViaAuthority                  = make([][]string, n)
		refAgents                        = make([][][]string, n)
		partIDs, partFields              = make([][]string, n), make([][]string, n)
		partKeys, partValues             = make([][]string, n), make([][]string, n)
		nameKeys, nameValues             = make([][]string, n), make([][]string, n)
	)
	latest := newLatest(rows)
	for i, r := range rows {
		tenant[i], ids[i], stored[i], ts[i] = r.Tenant, r.ID, r.Stored, r.Timestamp
		version[i], verb[i], objType[i], objID[i] = r.Version, r.Verb, r.ObjectType, r.ObjectID
		regs[i], voids[i] = r.Registration, r.Voids
		agents[i], relAgents[i], relActivity[i] = nonNil(r.Agents), nonNil(r.RelatedAgents), nonNil(r.RelatedActivities)
		authority[i], hash[i], raw[i], authorityKey[i] = r.Authority, r.ContentHash, string(r.Raw), r.AuthorityKey
		batch[i] = r.Batch
		partIDs[i], partFields[i], partKeys[i], partValues[i] = []string{}, []string{}, []string{}, []string{}
		for _, d := range r.DefinitionParts {
			if latest.parts[partKey{r.Tenant, d.ActivityID, d.Field, d.Key}] == i {
				partIDs[i], partFields[i] = append(partIDs[i], d.ActivityID), append(partFields[i], d.Field)
				partKeys[i], partValues[i] = append(partKeys[i], d.Key), append(partValues[i], d.Value)
			}
		}
		nameKeys[i], nameValues[i] = []string{}, []string{}
		for _, a := range r.AgentNames {
			if latest.names[nameKey{r.Tenant, a}] == i {
				nameKeys[i], nameValues[i] = append(nameKeys[i], a.Key), append(nameValues[i], a.Name)
			}
		}
		m := len(r.Inherited)
		refKind[i], refKey[i], refVerb[i], refObj[i] = make([]string, m), make([]string, m), make([]string, m), make([]string, m)
		refReg[i], refAgents[i], refVia[i] = make([]uuid.UUID, m), make([][]string, m), make([]uuid.UUID, m)
		refViaAuthority[i] = make([]string, m)
		for j, x := range r.Inherited {
			refKind[i][j], refKey[i][j], refVerb[i][j], refObj[i][j] = x.Kind, x.Key, x.Verb, x.ObjectID
			refAgents[i][j], refVia[i][j] = nonNil(x.Agents), x.Via // refReg: nil, no row carries one
			refViaAuthority[i][j] = x.ViaAuthorityKey
		}
	}
	return &Batch{Table: Table(db, "statements_in"), Columns: []Column{
		{"tenant", tenant}, {"id", ids}, {"stored", stored}, {"timestamp", ts}, {"version", version},
		{"verb", verb}, {"object_type", objType}, {"object_id", objID}, {"registration", regs}, {"voids", voids},
		{"agents", agents}, {"related_agents", relAgents}, {"related_activities", relActivity},
		{"authority", authority}, {"content_hash", hash}, {"raw", raw},
		{"ref_kind", refKind}, {"ref_key", refKey}, {"ref_verb", refVerb}, {"ref_registration", refReg},
		{"ref_object_id", refObj}, {"ref_agents", refAgents}, {"ref_via", refVia},
		{"ref_via_authority_key", refViaAuthority},
		{"authority_key", authorityKey}, {"batch", batch},
		{"name_keys", nameKeys}, {"name_values", nameValues},
		{"def_part_ids", partIDs}, {"def_part_fields", partFields}, {"def_part_keys", partKeys}, {"def_part_values", partValues},
	}}
}

type (
	nameKey struct {
		tenant string
		name   AgentName
	}
	partKey struct{ tenant, activityID, field, key string }
)

// latest says which row of a batch carries each agent name and each
// definition part into the insert: of the statements giving the same name
// (or part) only the most recently stored one, the last of those stored at
// the same time. Readers take max(stored) per name and argMax(value,
// stored) per part, so the others could never be read (the engine would
// only merge them away); ties are the engine's to break either way.
type latest struct {
	names map[nameKey]int
	parts map[partKey]int
}

func newLatest(rows []StatementRow) latest {
	l := latest{names: map[nameKey]int{}, parts: map[partKey]int{}}
	later := func(i, j int, seen bool) bool { return !seen || !rows[i].Stored.Before(rows[j].Stored) }
	for i := range rows {
		r := &rows[i]
		for _, a := range r.AgentNames {
			k := nameKey{r.Tenant, a}
			if j, seen := l.names[k]; later(i, j, seen) {
				l.names[k] = i
			}
		}
		for _, d := range r.DefinitionParts {
			k := partKey{r.Tenant, d.ActivityID, d.Field, d.Key}
			if j, seen := l.parts[k]; later(i, j, seen) {
				l.parts[k] = i
			}
		}
	}
	return l
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// StatementKey identifies a statement across tenants.
type StatementKey struct {
	Tenant string
	ID     uuid.UUID
}

// maxLookup bounds the ids of one lookup query: its SQL text grows by 37
// bytes an id (UUIDArray), within the engine's max_query_size (256 KiB).
const maxLookup = 5000

// ContentHashes returns the content hash of every key already stored. Keys
// not in the result are not stored. Used by ingest (409 or no-op for a known
// id).
func ContentHashes(ctx context.Context, e Engine, db string, keys []StatementKey) (map[StatementKey]string, error) {
	vs, err := StoredVersions(ctx, e, db, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[StatementKey]string, len(vs))
	for k, v := range vs {
		out[k] = v.ContentHash
	}
	return out, nil
}

// StoredVersion is what statement_ids holds about a stored statement.
type StoredVersion struct {
	ContentHash string
	Stored      time.Time
	// Batch is the deduplication token of the batch that stored it.
	Batch string
}

// StoredVersions returns the content hash and stored time of every key
// already stored. Keys not in the result are not stored. Used by the
// processor: a redelivered statement is not inserted twice, and its stored
// time locates its rows.
func StoredVersions(ctx context.Context, e Engine, db string, keys []StatementKey) (map[StatementKey]StoredVersion, error) {
	out := make(map[StatementKey]StoredVersion, len(keys))
	for start := 0; start < len(keys); start += maxLookup {
		chunk := keys[start:min(start+maxLookup, len(keys))]
		if err := storedVersions(ctx, e, db, chunk, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func storedVersions(ctx context.Context, e Engine, db string, keys []StatementKey, out map[StatementKey]StoredVersion) error {
	if len(keys) == 0 {
		return nil
	}
	var ps Params
	var where []string
	for tenant, ids := range byTenant(keys) {
		where = append(where, "(tenant = "+ps.String(tenant)+" AND id IN "+ps.UUIDs(ids)+")")
	}
	q := Query{Text: "SELECT tenant, id, any(content_hash), min(stored), argMin(batch, stored) FROM " +
		Table(db, "statement_ids") + " WHERE " + strings.Join(where, " OR ") + " GROUP BY tenant, id", Params: ps}
	var k StatementKey
	var v StoredVersion
	if err := EachRow(ctx, e, q, func() { out[k] = v }, &k.Tenant, &k.ID, &v.ContentHash, &v.Stored, &v.Batch); err != nil {
		return fmt.Errorf("look up statement ids: %w", err)
	}
	return nil
}

// statementsByID reads the stored bytes of the ids, each a primary key
// lookup on (tenant, stored, id).
const statementsByID = "SELECT id, raw FROM {db}.statements WHERE tenant = {tenant:String} AND (stored, id) IN " +
	"(SELECT stored, id FROM {db}.statement_ids WHERE tenant = {tenant:String} AND id IN {ids:Array(UUID)}) LIMIT 1 BY id"

// StatementsByID returns the stored bytes of every key that is stored. Keys
// are resolved through statement_ids, so each read of statements is a primary
// key lookup on (tenant, stored, id).
func StatementsByID(ctx context.Context, e Engine, db string, keys []StatementKey) (map[StatementKey][]byte, error) {
	out := make(map[StatementKey][]byte, len(keys))
	err := inChunks(keys, func(tenant string, ids []uuid.UUID) error {
		q := Query{Text: InDB(statementsByID, db), Params: Params{{"tenant", tenant}, {"ids", ids}}}
		k, raw := StatementKey{Tenant: tenant}, []byte(nil)
		return EachRow(ctx, e, q, func() { out[k] = raw }, &k.ID, &raw)
	})
	if err != nil {
		return nil, fmt.Errorf("read statements by id: %w", err)
	}
	return out, nil
}
