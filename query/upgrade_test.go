package query

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Issue 8 ("schema changes ... carrying existing data over: an upgraded
// store keeps answering every filter correctly"): statements indexed by
// the layout of migration 0015 (a related agent or activity that is also
// the statement's agent or object has a row of each kind; every row
// carries verb, registration, object and agents) and by that of migration
// 0016 (one row per key, narrow rows) answer every filter alike, each half
// of the corpus stored under either, and all of it under the old one.
func TestIssue8_UpgradedIndexAnswersEveryFilter(t *testing.T) {
	for _, storedBefore := range []int{len(corpus()), 4} {
		t.Run(fmt.Sprintf("%d_of_%d_stored_before", storedBefore, len(corpus())), func(t *testing.T) {
			db := fmt.Sprintf("upgrade_%d_%d", storedBefore, time.Now().UnixNano())
			ctx := context.Background()
			if _, err := store.MigrateTo(ctx, engine, db, 15); err != nil {
				t.Fatal(err)
			}
			e := newEnvOn(t, engine, db, at(3600))
			c := corpus()
			e.insert(c[:storedBefore]...)
			if _, err := store.Migrate(ctx, engine, db); err != nil {
				t.Fatal(err)
			}
			if storedBefore < len(c) {
				e.insert(c[storedBefore:]...)
			}
			for _, tc := range listFilterCases() {
				got, _ := e.list(tc.target)
				sameIDs(t, tc.name+": "+tc.target, got, tc.want)
			}
		})
	}
}
