package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Errors of the Store.
var (
	ErrInvalidScope   = errors.New("invalid scope")
	ErrInvalidTenant  = errors.New("invalid tenant name")
	ErrTenantExists   = errors.New("tenant already exists")
	ErrUnknownTenant  = errors.New("unknown tenant")
	ErrNotFound       = errors.New("credential not found")
	ErrInvalidRequest = errors.New("invalid request")
)

// Tenant is a store: every statement, document and credential belongs to one.
type Tenant struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// Credential is a stored credential. SecretHash never leaves this package's
// callers through the admin API or CLI (it is tagged json:"-").
type Credential struct {
	Tenant     string    `json:"tenant"`
	Key        string    `json:"key"`
	SecretHash string    `json:"-"`
	Scopes     []string  `json:"scopes"`
	Name       string    `json:"name,omitempty"`
	Created    time.Time `json:"created"`
	Revoked    time.Time `json:"revoked,omitzero"`
	Version    uint64    `json:"-"`
}

// IsRevoked reports whether the credential was revoked.
func (c *Credential) IsRevoked() bool { return c.Revoked.UnixMilli() > 0 }

// NewCredential asks for a credential.
type NewCredential struct {
	Tenant string   `json:"tenant"`
	Scopes []string `json:"scopes"`
	Name   string   `json:"name,omitempty"`
}

// Store reads and writes tenants and credentials in ClickHouse (tables of
// migration 0007).
type Store struct {
	Engine   store.Engine
	Database string
	// Hash are the argon2id parameters of new secrets (DefaultHashParams if zero).
	Hash HashParams
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// NewStore returns a Store on db with the default hash parameters.
func NewStore(e store.Engine, db string) *Store { return &Store{Engine: e, Database: db} }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Millisecond)
	}
	return time.Now().UTC().Truncate(time.Millisecond)
}

func (s *Store) params() HashParams {
	if s.Hash == (HashParams{}) {
		return DefaultHashParams
	}
	return s.Hash
}

var tenantName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidTenant checks a tenant name: 1-64 of [A-Za-z0-9._-], starting with a
// letter or digit.
func ValidTenant(name string) error {
	if !tenantName.MatchString(name) {
		return fmt.Errorf("%w: %q (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)", ErrInvalidTenant, name)
	}
	return nil
}

// CreateTenant adds a tenant; ErrTenantExists if it is already there.
func (s *Store) CreateTenant(ctx context.Context, name string) (Tenant, error) {
	if err := ValidTenant(name); err != nil {
		return Tenant{}, err
	}
	if _, ok, err := s.GetTenant(ctx, name); err != nil {
		return Tenant{}, err
	} else if ok {
		return Tenant{}, fmt.Errorf("%w: %s", ErrTenantExists, name)
	}
	t := Tenant{Name: name, Created: s.now()}
	err := s.Engine.Insert(ctx, &store.Batch{Table: store.Table(s.Database, "tenants"), Columns: []store.Column{
		{Name: "name", Data: []string{t.Name}},
		{Name: "created", Data: []time.Time{t.Created}},
		{Name: "version", Data: []uint64{uint64(t.Created.UnixNano())}},
	}})
	if err != nil {
		return Tenant{}, fmt.Errorf("create tenant %s: %w", name, err)
	}
	return t, nil
}

// EnsureTenant creates the tenant unless it exists (e.g. the bootstrap
// tenant at start).
func (s *Store) EnsureTenant(ctx context.Context, name string) error {
	if _, err := s.CreateTenant(ctx, name); err != nil && !errors.Is(err, ErrTenantExists) {
		return err
	}
	return nil
}

// GetTenant returns the tenant name, and false if there is none.
func (s *Store) GetTenant(ctx context.Context, name string) (Tenant, bool, error) {
	ts, err := s.tenants(ctx, store.Query{Text: tenantSQL, Params: store.Params{{Name: "name", Value: name}}})
	if err != nil || len(ts) == 0 {
		return Tenant{}, false, err
	}
	return ts[0], true, nil
}

// ListTenants returns every tenant, by name.
func (s *Store) ListTenants(ctx context.Context) ([]Tenant, error) {
	return s.tenants(ctx, store.SQL(tenantsSQL))
}

// The queries of tenants and credentials; {db} is the database (store.InDB).
const (
	tenantsSQL       = "SELECT name, created FROM {db}.tenants ORDER BY name, version DESC LIMIT 1 BY name"
	tenantSQL        = "SELECT name, created FROM {db}.tenants WHERE name = {name:String} ORDER BY name, version DESC LIMIT 1 BY name"
	credentialsOuter = "SELECT tenant, key, secret_hash, scopes, name, created, revoked, version FROM (SELECT * FROM {db}.credentials "
	credentialsInner = " ORDER BY key, version DESC LIMIT 1 BY key) ORDER BY tenant, created, key"
	credentialsSQL   = credentialsOuter + credentialsInner
	credentialSQL    = credentialsOuter + "WHERE key = {key:String}" + credentialsInner
	tenantCredsSQL   = credentialsOuter + "WHERE tenant = {tenant:String}" + credentialsInner
)

func (s *Store) tenants(ctx context.Context, q store.Query) ([]Tenant, error) {
	q.Text = store.InDB(q.Text, s.Database)
	rows, err := s.Engine.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read tenants: %w", err)
	}
	defer rows.Close()
	out := []Tenant{}
	for rows.Next() {
		var t Tenant
		if err := rows.Scan(&t.Name, &t.Created); err != nil {
			return nil, fmt.Errorf("scan tenants: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateCredential creates a credential on an existing tenant and returns it
// with its secret. The secret is not stored and cannot be shown again.
func (s *Store) CreateCredential(ctx context.Context, req NewCredential) (Credential, string, error) {
	scopes, err := NormalizeScopes(req.Scopes)
	if err != nil {
		return Credential{}, "", err
	}
	if len(req.Name) > 200 {
		return Credential{}, "", fmt.Errorf("%w: name longer than 200 bytes", ErrInvalidRequest)
	}
	if err := ValidTenant(req.Tenant); err != nil {
		return Credential{}, "", err
	}
	if _, ok, err := s.GetTenant(ctx, req.Tenant); err != nil {
		return Credential{}, "", err
	} else if !ok {
		return Credential{}, "", fmt.Errorf("%w: %s", ErrUnknownTenant, req.Tenant)
	}
	key, err := NewKey()
	if err != nil {
		return Credential{}, "", err
	}
	secret, err := NewSecret()
	if err != nil {
		return Credential{}, "", err
	}
	hash, err := HashSecret(secret, s.params())
	if err != nil {
		return Credential{}, "", err
	}
	now := s.now()
	c := Credential{Tenant: req.Tenant, Key: key, SecretHash: hash, Scopes: scopes, Name: req.Name,
		Created: now, Revoked: time.UnixMilli(0).UTC(), Version: uint64(now.UnixNano())}
	if err := s.insert(ctx, c); err != nil {
		return Credential{}, "", err
	}
	c.Revoked = time.Time{}
	return c, secret, nil
}

func (s *Store) insert(ctx context.Context, c Credential) error {
	err := s.Engine.Insert(ctx, &store.Batch{Table: store.Table(s.Database, "credentials"), Columns: []store.Column{
		{Name: "tenant", Data: []string{c.Tenant}},
		{Name: "key", Data: []string{c.Key}},
		{Name: "secret_hash", Data: []string{c.SecretHash}},
		{Name: "scopes", Data: [][]string{c.Scopes}},
		{Name: "name", Data: []string{c.Name}},
		{Name: "created", Data: []time.Time{c.Created}},
		{Name: "revoked", Data: []time.Time{c.Revoked}},
		{Name: "version", Data: []uint64{c.Version}},
	}})
	if err != nil {
		return fmt.Errorf("write credential %s: %w", c.Key, err)
	}
	return nil
}

// GetCredential returns the latest version of the credential key (revoked
// or not), and false if there is none.
func (s *Store) GetCredential(ctx context.Context, key string) (Credential, bool, error) {
	cs, err := s.credentials(ctx, store.Query{Text: credentialSQL, Params: store.Params{{Name: "key", Value: key}}})
	if err != nil || len(cs) == 0 {
		return Credential{}, false, err
	}
	return cs[0], true, nil
}

// ListCredentials returns the credentials of tenant (every tenant if empty),
// revoked ones included, by tenant and creation time.
func (s *Store) ListCredentials(ctx context.Context, tenant string) ([]Credential, error) {
	q := store.SQL(credentialsSQL)
	if tenant != "" {
		q = store.Query{Text: tenantCredsSQL, Params: store.Params{{Name: "tenant", Value: tenant}}}
	}
	cs, err := s.credentials(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		cs[i].SecretHash = ""
	}
	return cs, nil
}

func (s *Store) credentials(ctx context.Context, q store.Query) ([]Credential, error) {
	q.Text = store.InDB(q.Text, s.Database)
	rows, err := s.Engine.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	defer rows.Close()
	out := []Credential{}
	for rows.Next() {
		var c Credential
		if err := rows.Scan(&c.Tenant, &c.Key, &c.SecretHash, &c.Scopes, &c.Name, &c.Created, &c.Revoked, &c.Version); err != nil {
			return nil, fmt.Errorf("scan credentials: %w", err)
		}
		if !c.IsRevoked() {
			c.Revoked = time.Time{}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Revoke revokes the credential key by inserting a newer version of its row.
// Revoking twice keeps the first revocation time. Authenticators see it
// within their cache TTL (at once in the process that calls Invalidate).
func (s *Store) Revoke(ctx context.Context, key string) (Credential, error) {
	c, ok, err := s.GetCredential(ctx, key)
	if err != nil {
		return Credential{}, err
	}
	if !ok {
		return Credential{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if !c.IsRevoked() {
		now := s.now()
		c.Revoked = now
		c.Version = max(c.Version+1, uint64(now.UnixNano()))
		if err := s.insert(ctx, c); err != nil {
			return Credential{}, err
		}
	}
	c.SecretHash = ""
	return c, nil
}
