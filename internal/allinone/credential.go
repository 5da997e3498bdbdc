package allinone

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tributary-lrs/tributary/platform/config"
)

type credential struct {
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

// bootstrapCredential returns the configured bootstrap credential, or the one
// generated on a first start and kept under dataDir (created when missing) in
// config.BootstrapCredentialFile, so that a restart keeps accepting it.
func bootstrapCredential(b config.Bootstrap, dataDir string) (c credential, generated bool, err error) {
	if b.Key != "" {
		return credential{Key: b.Key, Secret: b.Secret}, false, nil
	}
	path := filepath.Join(dataDir, config.BootstrapCredentialFile)
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &c); err != nil || c.Key == "" || c.Secret == "" {
			return c, false, fmt.Errorf("read %s: not a credential file (delete it to generate a new one)", path)
		}
		return c, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return c, false, fmt.Errorf("read bootstrap credential: %w", err)
	}
	c = credential{Key: "tributary-" + randomHex(4), Secret: randomHex(16)}
	raw, _ = json.Marshal(c)
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return c, false, fmt.Errorf("create data dir: %w", err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return c, false, fmt.Errorf("keep bootstrap credential: %w", err)
	}
	return c, true, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}
