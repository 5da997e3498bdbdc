package walqueue

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// deadLetterFile, in the log's directory, keeps acknowledged statements the
// store refused, one JSON object per line, so that none is lost silently.
const deadLetterFile = "rejected.ndjson"

// deadLetter appends env and the reason to the dead-letter file (fsync'd).
func (q *Queue) deadLetter(env *envelope.Envelope, refusal error) error {
	reason := "rejected by the store"
	if refusal != nil {
		reason = refusal.Error()
	}
	line, err := json.Marshal(struct {
		At        time.Time       `json:"at"`
		Reason    string          `json:"reason"`
		Tenant    string          `json:"tenant"`
		ID        string          `json:"id"`
		Statement json.RawMessage `json:"statement"`
	}{time.Now().UTC(), reason, env.Tenant, env.ID.String(), env.Statement})
	if err != nil {
		return fmt.Errorf("encode dead letter: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(q.opt.Dir, deadLetterFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("open dead-letter file: %w", err)
	}
	_, werr := f.Write(append(line, '\n'))
	serr := f.Sync()
	cerr := f.Close()
	if werr != nil || serr != nil || cerr != nil {
		return fmt.Errorf("write dead-letter file: %w", errors.Join(werr, serr, cerr))
	}
	return nil
}
