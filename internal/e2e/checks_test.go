package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// count runs a query returning one number.
func (s *stack) count(q string) uint64 {
	s.t.Helper()
	return s.countQ(store.SQL(q))
}

func (s *stack) countQ(q store.Query) uint64 {
	s.t.Helper()
	rows, err := engine.Query(context.Background(), q)
	if err != nil {
		s.t.Fatalf("%s: %v", q.Text, err)
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			s.t.Fatal(err)
		}
	}
	return n
}

// storedIn returns how many of ids table holds.
func (s *stack) storedIn(table string, ids []uuid.UUID) uint64 {
	return s.countQ(store.Query{Text: "SELECT uniqExact(id) FROM " + store.Table(s.db, table) + " WHERE has({ids:Array(UUID)}, id)",
		Params: store.Params{{Name: "ids", Value: ids}}})
}

// waitAllVisible waits until Consistent-Through covers every acknowledged
// statement.
func (s *stack) waitAllVisible() {
	s.t.Helper()
	newest := s.acked.newest()
	waitFor(s.t, 30*time.Second, "Consistent-Through to cover every acknowledged statement", func() bool {
		_, h, _ := s.get("/xapi/statements?limit=1")
		return !consistentThrough(s.t, h).Before(newest)
	})
}

// checkStoredOnceEverywhere checks that every acknowledged statement is in
// every table its insert feeds exactly once, before any merge: one row per
// id in statements and statement_ids, one own statement_index row per id and
// key, and in agent_names and activity_definition_parts (which have no id)
// one row per name and definition part the statements carry. The tests that
// call it store every statement with one insert, which collapses repeated
// names and parts (ReplacingMergeTree on insert): a second insert of any of
// them would show as a second row.
func (s *stack) checkStoredOnceEverywhere() {
	s.t.Helper()
	envs := s.acked.envelopes()
	names, parts := map[[3]string]bool{}, map[[4]string]bool{}
	for id, e := range envs {
		row, err := sink.Row(e)
		if err != nil {
			s.t.Fatalf("acknowledged statement %s: %v", id, err)
		}
		for _, n := range row.AgentNames {
			names[[3]string{row.Tenant, n.Key, n.Name}] = true
		}
		for _, p := range row.DefinitionParts {
			parts[[4]string{row.Tenant, p.ActivityID, p.Field, p.Key}] = true
		}
	}
	acked := uint64(len(envs))
	for _, table := range []string{"statements", "statement_ids"} {
		t := store.Table(s.db, table)
		if rows, ids := s.count("SELECT count() FROM "+t), s.count("SELECT uniqExact(id) FROM "+t); rows != acked || ids != acked {
			s.t.Errorf("%s holds %d rows of %d ids for %d acknowledged statements", table, rows, ids, acked)
		}
	}
	own := store.Table(s.db, "statement_index") + " WHERE via = toUUID('00000000-0000-0000-0000-000000000000')"
	if n := s.count("SELECT uniqExact(id) FROM " + own); n != acked {
		s.t.Errorf("statement_index has own rows of %d statements, want %d", n, acked)
	}
	if n := s.count("SELECT count() FROM (SELECT id, kind, key FROM " + own + " GROUP BY id, kind, key HAVING count() > 1)"); n != 0 {
		s.t.Errorf("statement_index holds %d own rows more than once", n)
	}
	if n := s.count("SELECT count() FROM " + store.Table(s.db, "agent_names")); n != uint64(len(names)) {
		s.t.Errorf("agent_names holds %d rows, the statements carry %d names", n, len(names))
	}
	if n := s.count("SELECT count() FROM " + store.Table(s.db, "activity_definition_parts")); n != uint64(len(parts)) {
		s.t.Errorf("activity_definition_parts holds %d rows, the statements carry %d parts", n, len(parts))
	}
}

// checkReadable checks that every acknowledged statement is returned by
// statementId and by a filter (its verb, read from statement_index), once.
func (s *stack) checkReadable() {
	s.t.Helper()
	byVerb := map[string][]string{}
	var unreadable []string
	for id, e := range s.acked.envelopes() {
		if _, _, code := s.get("/xapi/statements?statementId=" + id); code != http.StatusOK {
			unreadable = append(unreadable, fmt.Sprintf("%s (%d)", id, code))
		}
		var st struct {
			Verb struct {
				ID string `json:"id"`
			} `json:"verb"`
		}
		if err := json.Unmarshal(e.Statement, &st); err != nil {
			s.t.Fatalf("acknowledged statement %s: %v", id, err)
		}
		v := st.Verb.ID
		byVerb[v] = append(byVerb[v], id)
	}
	if len(unreadable) > 0 {
		s.t.Fatalf("%d acknowledged statements not returned by statementId: %v", len(unreadable), unreadable)
	}
	for verb, ids := range byVerb {
		got := s.all("/xapi/statements?limit=100&verb=" + urlEscape(verb)) // all fails on a duplicate
		for _, id := range ids {
			if _, ok := got[id]; !ok {
				s.t.Errorf("verb filter %s misses statement %s", verb, id)
			}
		}
	}
}

// deadLetters returns the number of messages in the dead-letter topic.
func (s *stack) deadLetters() int64 {
	s.t.Helper()
	cl := &kafka.Client{Addr: kafka.TCP(s.cfg.Kafka.Brokers...), Timeout: 5 * time.Second}
	topic := s.cfg.Kafka.DeadLetterTopic
	res, err := cl.ListOffsets(context.Background(), &kafka.ListOffsetsRequest{
		Topics: map[string][]kafka.OffsetRequest{topic: {kafka.LastOffsetOf(0)}}})
	if err != nil {
		s.t.Fatal(err)
	}
	return res.Topics[topic][0].LastOffset
}

// intents returns the intent recorded in each partition's progress row.
func (s *stack) intents() map[uint32]string {
	s.t.Helper()
	rows, err := engine.Query(context.Background(), store.SQL("SELECT partition, intent FROM "+
		store.Table(s.db, store.ProgressTable)+" FINAL WHERE intent != ''"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	out := map[uint32]string{}
	for rows.Next() {
		var p uint32
		var in string
		if err := rows.Scan(&p, &in); err != nil {
			s.t.Fatal(err)
		}
		out[p] = in
	}
	return out
}
