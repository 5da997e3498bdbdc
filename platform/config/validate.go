package config

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// problems collects what is wrong with a configuration, each error naming
// its key.
type problems []error

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
}

// Validate reports every problem of the configuration for the given role at once.
func (c Config) Validate(role string) error {
	var p problems
	bad := p.add
	distributed := role != RoleAll
	needsKafka := role == RoleIngest || role == RoleProcessor
	needsStore := true // every role reads or writes the store; ingest reads ids for 409

	if role != RoleMigrate {
		if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
			bad("http.addr", "%q is not host:port", c.HTTP.Addr)
		}
		if a := c.HTTP.AdminAddr; a != "" {
			if _, port, err := net.SplitHostPort(a); err != nil {
				bad("http.admin_addr", "%q is not host:port (or empty to serve admin and metrics on http.addr)", a)
			} else if a == c.HTTP.Addr && port != "0" {
				bad("http.admin_addr", "must differ from http.addr (or be empty to share it)")
			}
		}
	}
	if role == RoleAll && strings.TrimSpace(c.Data.Dir) == "" {
		bad("data.dir", "must be set")
	}
	b := c.Auth.Bootstrap
	if (b.Key == "") != (b.Secret == "") {
		bad("auth.bootstrap", "key and secret must be set together")
	}
	if distributed && role != RoleMigrate && role != RoleProcessor && b.Key == "" {
		bad("auth.bootstrap.key", "must be set in distributed mode (no credential would be able to sign in)")
	}
	if b.Key != "" && len(b.Secret) < 8 {
		bad("auth.bootstrap.secret", "must be at least 8 characters")
	}
	if strings.ContainsAny(b.Key, ":") {
		bad("auth.bootstrap.key", "must not contain ':'")
	}
	if b.Tenant == "" {
		bad("auth.bootstrap.tenant", "must be set")
	}
	if a := c.Auth.Admin; (a.Key == "") != (a.Secret == "") || (a.Key != "" && len(a.Secret) < 12) {
		bad("auth.admin", "key and secret must be set together, the secret at least 12 characters")
	}
	if c.Auth.Admin.LockoutFailures < 1 {
		bad("auth.admin.lockout_failures", "must be at least 1")
	}
	if j := c.Auth.JWT; j.Issuer != "" && (j.JWKSURL == "" || j.Audience == "") {
		bad("auth.jwt", "issuer, jwks_url and audience must be set together")
	}
	if c.Auth.RateLimit < 0 || (c.Auth.RateLimit > 0 && c.Auth.RateBurst < 1) {
		bad("auth.rate_limit", "must be 0 (unlimited) or positive with auth.rate_burst at least 1")
	}
	c.Auth.validateGuessing(&p)
	c.HTTP.validateLimits(&p)
	if needsKafka {
		if len(c.Kafka.Brokers) == 0 {
			bad("kafka.brokers", "at least one broker is needed")
		}
		if c.Kafka.Topic == "" {
			bad("kafka.topic", "must be set")
		}
		if c.Kafka.DeadLetterTopic == "" || c.Kafka.DeadLetterTopic == c.Kafka.Topic {
			bad("kafka.dead_letter_topic", "must be set and differ from kafka.topic")
		}
		if c.Kafka.Partitions < 1 {
			bad("kafka.partitions", "must be at least 1")
		}
		if c.Kafka.ReplicationFactor < 1 {
			bad("kafka.replication_factor", "must be at least 1")
		}
		if c.Kafka.GroupID == "" {
			bad("kafka.group_id", "must be set")
		}
	}
	if needsStore {
		switch c.ClickHouse.Engine {
		case EngineChDB:
			if distributed && role != RoleMigrate {
				bad("clickhouse.engine", "chdb is embedded and only serves the all-in-one role; use clickhouse")
			}
		case EngineClickHouse:
			if len(c.ClickHouse.Addr) == 0 {
				bad("clickhouse.addr", "at least one address is needed")
			}
			if c.ClickHouse.Protocol != "native" && c.ClickHouse.Protocol != "http" {
				bad("clickhouse.protocol", "%q: want native or http", c.ClickHouse.Protocol)
			}
		default:
			bad("clickhouse.engine", "%q: want chdb or clickhouse", c.ClickHouse.Engine)
		}
		if c.ClickHouse.Database == "" {
			bad("clickhouse.database", "must be set")
		}
	}
	positive := map[string]time.Duration{
		"ingest.publish_timeout": c.Ingest.PublishTimeout, "ingest.heartbeat_interval": c.Ingest.HeartbeatInterval,
		"ingest.batch_timeout": c.Ingest.BatchTimeout, "ingest.watermark_refresh": c.Ingest.WatermarkRefresh,
		"processor.batch_age": c.Processor.BatchAge,
		"processor.retry_min": c.Processor.RetryMin, "processor.retry_max": c.Processor.RetryMax,
		"processor.instance_ttl": c.Processor.InstanceTTL, "query.timeout": c.Query.Timeout,
		"query.watermark_refresh": c.Query.WatermarkRefresh, "shutdown.step_timeout": c.Shutdown.StepTimeout,
		"auth.cache_ttl": c.Auth.CacheTTL, "auth.admin.lockout_window": c.Auth.Admin.LockoutWindow,
	}
	positive["http.body_read_timeout"], positive["http.body_wait_timeout"] = c.HTTP.BodyReadTimeout, c.HTTP.BodyWaitTimeout
	for k, d := range positive {
		if d <= 0 {
			bad(k, "must be a positive duration")
		}
	}
	if c.Ingest.MaxBodyBytes < 1024 {
		bad("ingest.max_body_bytes", "must be at least 1024")
	}
	if c.HTTP.BodyBytesInFlight < 1<<20 {
		bad("http.body_bytes_in_flight", "must be at least 1048576 (1 MiB)")
	}
	if c.Query.MaxDocumentBytes < 1024 {
		bad("query.max_document_bytes", "must be at least 1024")
	}
	if s := c.Query.CursorSecret; s != "" && len(s) < MinCursorSecret {
		bad("query.cursor_secret", "must be empty (the key in the store) or at least %d characters", MinCursorSecret)
	}
	if c.Processor.BatchRows < 1 {
		bad("processor.batch_rows", "must be at least 1")
	}
	if c.Query.MaxLimit < 1 || c.Query.DefaultLimit < 1 || c.Query.DefaultLimit > c.Query.MaxLimit {
		bad("query.default_limit", "must be between 1 and query.max_limit")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q: want debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "json" && c.Log.Format != "text" {
		bad("log.format", "%q: want json or text", c.Log.Format)
	}
	return errors.Join(p...)
}
