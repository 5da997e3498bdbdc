package loadgen

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// fakeLRS is a minimal LRS for the load generator's own tests: a statement
// becomes visible delay after it is stored, and the Consistent-Through
// header is honest (now − delay) unless overstate is set (then it is now).
type fakeLRS struct {
	delay     time.Duration
	overstate bool
	postFail  int // answer every POST with this status when set

	mu     sync.Mutex
	stored map[string]fakeStatement
	posts  int
}

type fakeStatement struct {
	stored       time.Time
	registration string
}

func newFakeLRS(t *testing.T, delay time.Duration) (*fakeLRS, string) {
	f := &fakeLRS{delay: delay, stored: map[string]fakeStatement{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/xapi"
}

func (f *fakeLRS) consistentThrough(now time.Time) time.Time {
	if f.overstate {
		return now
	}
	return now.Add(-f.delay - time.Millisecond)
}

func (f *fakeLRS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if user, pass, ok := r.BasicAuth(); !ok || user != "key" || pass != "secret" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	w.Header().Set("X-Experience-API-Consistent-Through", xapiTime(f.consistentThrough(now)))
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		f.post(w, body, now)
	case http.MethodPut:
		var st fakeBody
		if json.Unmarshal(body, &st) != nil || st.ID != r.URL.Query().Get("statementId") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		f.stored[st.ID] = fakeStatement{now, st.Context.Registration}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet:
		f.get(w, r, now)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

type fakeBody struct {
	ID      string `json:"id"`
	Context struct {
		Registration string `json:"registration"`
	} `json:"context"`
}

func (f *fakeLRS) post(w http.ResponseWriter, body []byte, now time.Time) {
	f.posts++
	if f.postFail != 0 {
		w.WriteHeader(f.postFail)
		return
	}
	var batch []fakeBody
	if err := json.Unmarshal(body, &batch); err != nil {
		var one fakeBody
		if json.Unmarshal(body, &one) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		batch = []fakeBody{one}
	}
	ids := make([]string, len(batch))
	for i, st := range batch {
		if st.ID == "" {
			st.ID = uuid.NewString()
		}
		if _, dup := f.stored[st.ID]; dup {
			w.WriteHeader(http.StatusConflict)
			return
		}
		f.stored[st.ID] = fakeStatement{now, st.Context.Registration}
		ids[i] = st.ID
	}
	_ = json.NewEncoder(w).Encode(ids)
}

func (f *fakeLRS) get(w http.ResponseWriter, r *http.Request, now time.Time) {
	q := r.URL.Query()
	type out struct {
		ID     string `json:"id"`
		Stored string `json:"stored"`
	}
	if id := q.Get("statementId"); id != "" {
		st, ok := f.stored[id]
		if !ok || now.Before(st.stored.Add(f.delay)) {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(out{id, xapiTime(st.stored)})
		return
	}
	var list []out
	if reg := q.Get("registration"); reg != "" {
		for id, st := range f.stored {
			if st.registration == reg && !now.Before(st.stored.Add(f.delay)) {
				list = append(list, out{id, xapiTime(st.stored)})
			}
		}
	}
	slices.SortFunc(list, func(a, b out) int { return strings.Compare(b.Stored, a.Stored) })
	_ = json.NewEncoder(w).Encode(map[string]any{"statements": list, "more": ""})
}

func (f *fakeLRS) count() (stored, posts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.stored), f.posts
}
