package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are the argon2id cost parameters of new hashes. Existing hashes
// carry their own parameters (PHC string), so changing these only affects
// credentials created afterwards.
type HashParams struct {
	Time    uint32 // iterations
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultHashParams follow the OWASP minimum for argon2id (19 MiB, 2 passes,
// 1 lane): about 20-30 ms per verification, paid once per cache TTL per
// credential thanks to the Authenticator's cache.
var DefaultHashParams = HashParams{Time: 2, Memory: 19 * 1024, Threads: 1}

const (
	saltLen   = 16
	hashLen   = 32
	secretLen = 32
	keyLen    = 15
)

var b64 = base64.RawURLEncoding

// NewSecret returns a random 32-byte secret, base64url-encoded (43 chars).
func NewSecret() (string, error) { return randomString(secretLen) }

// NewKey returns a random credential key (20 base64url chars, never ':').
func NewKey() (string, error) { return randomString(keyLen) }

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return b64.EncodeToString(b), nil
}

// HashSecret returns the argon2id PHC string of secret with a fresh random
// salt: $argon2id$v=19$m=M,t=T,p=P$salt$hash.
func HashSecret(secret string, p HashParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	h := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, hashLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(h)), nil
}

var errBadHash = errors.New("malformed argon2id hash")

// VerifySecret reports whether secret matches the PHC string encoded, in
// constant time with respect to the hash.
func VerifySecret(secret, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errBadHash
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Time == 0 || p.Threads == 0 || p.Memory == 0 || p.Memory > 1<<22 {
		return false, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
