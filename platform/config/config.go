// Package config is the one typed configuration of every Tributary role. It is
// loaded from a YAML file, then TRIBUTARY_* environment variables, then flags
// (see Load); services receive the sections they need as plain values and
// never read configuration themselves.
package config

import "time"

// Config is the whole configuration. Keys are the mapstructure names, e.g.
// http.addr, env TRIBUTARY_HTTP_ADDR.
type Config struct {
	HTTP       HTTP       `mapstructure:"http"`
	Data       Data       `mapstructure:"data"`
	Auth       Auth       `mapstructure:"auth"`
	Kafka      Kafka      `mapstructure:"kafka"`
	ClickHouse ClickHouse `mapstructure:"clickhouse"`
	Ingest     Ingest     `mapstructure:"ingest"`
	Processor  Processor  `mapstructure:"processor"`
	Query      Query      `mapstructure:"query"`
	Log        Log        `mapstructure:"log"`
	Shutdown   Shutdown   `mapstructure:"shutdown"`
}

// HTTP holds the listeners of the role: Addr serves the xAPI (and /healthz,
// /readyz for load balancers); AdminAddr the admin API, /metrics, /healthz,
// /readyz and /debug/pprof/. An empty AdminAddr serves those on Addr too.
type HTTP struct {
	Addr              string        `mapstructure:"addr"`
	AdminAddr         string        `mapstructure:"admin_addr"`
	ReadHeaderTimeout time.Duration `mapstructure:"read_header_timeout"`
	ReadTimeout       time.Duration `mapstructure:"read_timeout"`
	WriteTimeout      time.Duration `mapstructure:"write_timeout"`
	IdleTimeout       time.Duration `mapstructure:"idle_timeout"`
	// BodyReadTimeout is the longest pause while a request body arrives: a
	// body that stops short of its Content-Length gets 408 this long after
	// its last byte (the whole body stays bounded by ReadTimeout).
	BodyReadTimeout time.Duration `mapstructure:"body_read_timeout"`
	// BodyBytesInFlight bounds the sum of the request bodies (by their
	// Content-Length) the process reads and works on at once; a request past
	// it waits up to BodyWaitTimeout for room, then gets 503 with Retry-After.
	BodyBytesInFlight int64         `mapstructure:"body_bytes_in_flight"`
	BodyWaitTimeout   time.Duration `mapstructure:"body_wait_timeout"`
	// Pprof serves Go's profiler under /debug/pprof/ on the admin listener
	// (off by default).
	Pprof bool `mapstructure:"pprof"`
	// MaxHeaderBytes bounds the request line and header fields of a request;
	// past it the server answers 431.
	MaxHeaderBytes int `mapstructure:"max_header_bytes"`
	// CORS lets pages of other origins call /xapi/ from a browser.
	CORS CORS `mapstructure:"cors"`
}

// CORS configures cross-origin requests to /xapi/; off while AllowedOrigins
// is empty. Browser-managed credentials (cookies) are never allowed: xAPI
// clients send Authorization themselves.
type CORS struct {
	// AllowedOrigins are the origins whose pages may call the LRS:
	// scheme://host[:port], with at most one "*" wildcard, or "*" for any.
	AllowedOrigins []string `mapstructure:"allowed_origins"`
	// MaxAge is how long a browser may reuse a preflight answer.
	MaxAge time.Duration `mapstructure:"max_age"`
}

// Data is where the all-in-one mode keeps its embedded database.
type Data struct {
	Dir string `mapstructure:"dir"`
	// WALMaxPendingBytes bounds, in all-in-one mode, the write-ahead log
	// records acknowledged but not stored yet: past it a write waits for the
	// store to catch up (up to ingest.publish_timeout, then 503), and gets
	// 503 at once while the store is failing.
	WALMaxPendingBytes int `mapstructure:"wal_max_pending_bytes"`
	// MinFreeBytes is the space the file system of data.dir must have
	// available for a write to be taken (all-in-one); below it writes get
	// 503 at once, so the disk never fills while the embedded engine writes
	// (it commits parts cut short by a full disk). 0: 64 MiB, or a log
	// segment and twice wal_max_pending_bytes when that is more; negative:
	// off.
	MinFreeBytes int64 `mapstructure:"min_free_bytes"`
}

// Auth holds the credentials.
type Auth struct {
	Bootstrap Bootstrap `mapstructure:"bootstrap"`
	// Admin is the credential of the admin API (/admin/); empty turns it off.
	Admin AdminCredential `mapstructure:"admin"`
	// CacheTTL is how long a verified credential is trusted without reading
	// the store again: a revocation takes effect within it.
	CacheTTL time.Duration `mapstructure:"cache_ttl"`
	// RateLimit is the requests per second each credential may make
	// (0: unlimited); RateBurst the burst above it.
	RateLimit float64 `mapstructure:"rate_limit"`
	RateBurst int     `mapstructure:"rate_burst"`
	// CacheSize bounds the verified credentials kept (least recently used
	// evicted first).
	CacheSize int `mapstructure:"cache_size"`
	// HashConcurrency bounds the argon2id verifications running at once (0:
	// GOMAXPROCS); one waits at most HashWait for its turn, else 503.
	HashConcurrency int           `mapstructure:"hash_concurrency"`
	HashWait        time.Duration `mapstructure:"hash_wait"`
	// FailedLogins limits failed sign-ins per key and per client address.
	FailedLogins FailedLogins `mapstructure:"failed_logins"`
	// TrustedProxies are the proxies (CIDR prefixes or addresses) whose
	// X-Forwarded-For names the client address; empty: it is ignored.
	TrustedProxies []string `mapstructure:"trusted_proxies"`
	// JWT accepts OAuth2/OIDC access tokens (Authorization: Bearer) from one
	// issuer; off while Issuer is empty.
	JWT JWT `mapstructure:"jwt"`
}

// FailedLogins are token buckets, one per credential key and one per client
// address: every failed HTTP Basic sign-in takes a token from both, and
// while either is empty the LRS answers 429 with Retry-After without checking
// the secret (a credential already verified and cached keeps working). A
// rate of 0 turns that bucket off.
type FailedLogins struct {
	KeyRate      float64 `mapstructure:"key_rate"`
	KeyBurst     int     `mapstructure:"key_burst"`
	AddressRate  float64 `mapstructure:"address_rate"`
	AddressBurst int     `mapstructure:"address_burst"`
	// Tracked bounds the keys and the addresses remembered (least recently
	// used forgotten first).
	Tracked int `mapstructure:"tracked"`
}

// JWT configures bearer-token authentication.
type JWT struct {
	Issuer   string `mapstructure:"issuer"`
	JWKSURL  string `mapstructure:"jwks_url"`
	Audience string `mapstructure:"audience"`
	// TenantClaim and ScopeClaim name the claims mapped to the tenant and
	// the xAPI scopes (space-separated string or array).
	TenantClaim string        `mapstructure:"tenant_claim"`
	ScopeClaim  string        `mapstructure:"scope_claim"`
	Leeway      time.Duration `mapstructure:"leeway"`
}

// AdminCredential authenticates the admin API with HTTP Basic. A client
// address that fails LockoutFailures times within LockoutWindow gets 429
// until the window has passed.
type AdminCredential struct {
	Key             string        `mapstructure:"key"`
	Secret          string        `mapstructure:"secret"`
	LockoutFailures int           `mapstructure:"lockout_failures"`
	LockoutWindow   time.Duration `mapstructure:"lockout_window"`
}

// Bootstrap is a credential with every permission on the default tenant.
// Empty key and secret in all-in-one mode mean: generate one and print it.
type Bootstrap struct {
	Key    string `mapstructure:"key"`
	Secret string `mapstructure:"secret"`
	Tenant string `mapstructure:"tenant"`
}

// Kafka is the broker the distributed roles share.
type Kafka struct {
	Brokers           []string `mapstructure:"brokers"`
	Topic             string   `mapstructure:"topic"`
	DeadLetterTopic   string   `mapstructure:"dead_letter_topic"`
	Partitions        int      `mapstructure:"partitions"`
	ReplicationFactor int      `mapstructure:"replication_factor"`
	GroupID           string   `mapstructure:"group_id"`
	ClientID          string   `mapstructure:"client_id"`
	// CreateTopics lets a role create missing topics at start.
	CreateTopics bool `mapstructure:"create_topics"`
}

// Engines of the store.
const (
	EngineChDB       = "chdb"
	EngineClickHouse = "clickhouse"
)

// ClickHouse is the store.
type ClickHouse struct {
	// Engine is "clickhouse" (a server, through clickhouse-go) or "chdb"
	// (embedded, data under data.dir; all-in-one only).
	Engine   string   `mapstructure:"engine"`
	Addr     []string `mapstructure:"addr"`
	Protocol string   `mapstructure:"protocol"` // native or http
	Database string   `mapstructure:"database"`
	Username string   `mapstructure:"username"`
	Password string   `mapstructure:"password"`
	// Secure turns TLS on.
	Secure      bool          `mapstructure:"secure"`
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
	// MaxOpenConns bounds the connection pool.
	MaxOpenConns int `mapstructure:"max_open_conns"`
}

// Ingest tunes the write API.
type Ingest struct {
	MaxBodyBytes      int64         `mapstructure:"max_body_bytes"`
	PublishTimeout    time.Duration `mapstructure:"publish_timeout"`
	BatchTimeout      time.Duration `mapstructure:"batch_timeout"`
	BatchSize         int           `mapstructure:"batch_size"`
	HeartbeatInterval time.Duration `mapstructure:"heartbeat_interval"`
	RetryAfter        time.Duration `mapstructure:"retry_after"`
	// RecentIDs is how many recently published statement ids each instance
	// remembers to answer 409/204 before the processor has stored them.
	RecentIDs int `mapstructure:"recent_ids"`
	// WatermarkRefresh is how often the consistency watermark that write
	// responses carry is re-read; a write waits at most this long for it.
	WatermarkRefresh time.Duration `mapstructure:"watermark_refresh"`
}

// Processor tunes the consumer.
type Processor struct {
	// A batch is inserted when it reaches BatchRows statements, BatchBytes
	// bytes of messages or BatchAge since its first message: big inserts
	// (thousands to hundreds of thousands of rows) make few parts to merge
	// in every table the insert fans out to, and the age bounds what a
	// quiet period adds to the visibility lag.
	BatchRows  int           `mapstructure:"batch_rows"`
	BatchBytes int           `mapstructure:"batch_bytes"`
	BatchAge   time.Duration `mapstructure:"batch_age"`
	RetryMin   time.Duration `mapstructure:"retry_min"`
	RetryMax   time.Duration `mapstructure:"retry_max"`
	// InstanceTTL is how long (in log time) an ingest instance may stay silent
	// before its heartbeats stop holding the watermark back.
	InstanceTTL time.Duration `mapstructure:"instance_ttl"`
}

// Query tunes the read API.
type Query struct {
	MaxLimit     int           `mapstructure:"max_limit"`
	DefaultLimit int           `mapstructure:"default_limit"`
	Timeout      time.Duration `mapstructure:"timeout"`
	// WatermarkRefresh is how often the consistency watermark is re-read.
	WatermarkRefresh time.Duration `mapstructure:"watermark_refresh"`
	// MaxDocumentBytes bounds a State or Profile document (413 past it).
	MaxDocumentBytes int64 `mapstructure:"max_document_bytes"`
	// CursorSecret, when set, is the key the `more` cursors are signed with
	// (the same on every query instance); empty: the installation's key
	// generated in the store by migration 0013.
	CursorSecret string `mapstructure:"cursor_secret"`
}

// MinCursorSecret is the shortest query.cursor_secret: an HMAC-SHA256 key
// as long as the hash.
const MinCursorSecret = 32

// Log configures log/slog.
type Log struct {
	Level  string `mapstructure:"level"`  // debug, info, warn, error
	Format string `mapstructure:"format"` // json or text
}

// Shutdown bounds each step of the shutdown sequence.
type Shutdown struct {
	StepTimeout time.Duration `mapstructure:"step_timeout"`
}

// Default returns the configuration used when nothing is set: all-in-one on
// 127.0.0.1:8080 with data under ./data.
func Default() Config {
	return Config{
		HTTP: HTTP{Addr: "127.0.0.1:8080", AdminAddr: "127.0.0.1:8081", ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
			WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
			MaxHeaderBytes: 64 << 10, CORS: CORS{MaxAge: 10 * time.Minute},
			BodyReadTimeout: 5 * time.Second, BodyBytesInFlight: 32 << 20, BodyWaitTimeout: 30 * time.Second},
		Data: Data{Dir: "./data", WALMaxPendingBytes: 16 << 20},
		Auth: Auth{Bootstrap: Bootstrap{Tenant: "default"}, CacheTTL: 30 * time.Second, RateBurst: 100,
			CacheSize: 10000, HashWait: 2 * time.Second, FailedLogins: FailedLogins{KeyRate: 0.1, KeyBurst: 10,
				AddressRate: 0.5, AddressBurst: 30, Tracked: 10000},
			Admin: AdminCredential{LockoutFailures: 5, LockoutWindow: 15 * time.Minute},
			JWT:   JWT{TenantClaim: "tenant", ScopeClaim: "scope", Leeway: 30 * time.Second}},
		Kafka: Kafka{Brokers: []string{"127.0.0.1:9092"}, Topic: "tributary.statements",
			DeadLetterTopic: "tributary.statements.dlq", Partitions: 12, ReplicationFactor: 1,
			GroupID: "tributary-processor", ClientID: "tributary", CreateTopics: true},
		ClickHouse: ClickHouse{Engine: EngineChDB, Addr: []string{"127.0.0.1:9000"}, Protocol: "native",
			Database: "tributary", Username: "default", DialTimeout: 5 * time.Second, MaxOpenConns: 16},
		Ingest: Ingest{MaxBodyBytes: 10 << 20, PublishTimeout: 10 * time.Second, BatchTimeout: 2 * time.Millisecond,
			BatchSize: 1000, HeartbeatInterval: 200 * time.Millisecond, RetryAfter: 5 * time.Second, RecentIDs: 100000,
			WatermarkRefresh: 50 * time.Millisecond},
		Processor: Processor{BatchRows: 100000, BatchBytes: 64 << 20, BatchAge: 200 * time.Millisecond,
			RetryMin: 100 * time.Millisecond, RetryMax: 10 * time.Second, InstanceTTL: 15 * time.Second},
		Query: Query{MaxLimit: 1000, DefaultLimit: 100, Timeout: 30 * time.Second, WatermarkRefresh: 50 * time.Millisecond,
			MaxDocumentBytes: 16 << 20},
		Log:      Log{Level: "info", Format: "json"},
		Shutdown: Shutdown{StepTimeout: 10 * time.Second},
	}
}

// Roles a process can run.
const (
	RoleAll       = "all"
	RoleIngest    = "ingest"
	RoleProcessor = "processor"
	RoleQuery     = "query"
	RoleMigrate   = "migrate"
)
