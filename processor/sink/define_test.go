package sink

import (
	"testing"
	"time"
)

// Communication 4.2 (define): a statement stored with a credential that lacks
// the define scope does not update the canonical definitions of its
// Activities nor the names of its Agents.
func TestComm4_2_WithoutDefineNoCanonicalUpdates(t *testing.T) {
	env := envOf(t, stmtWithDefs, time.Now().UTC())
	row, err := Row(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(row.ActivityDefinitions) == 0 {
		t.Fatal("with define: no activity definitions collected")
	}
	env.NoDefine = true
	row, err = Row(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(row.ActivityDefinitions) != 0 || len(row.AgentNames) != 0 {
		t.Fatalf("without define: %d definitions, %d names", len(row.ActivityDefinitions), len(row.AgentNames))
	}
}
