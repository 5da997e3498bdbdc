package store

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned, idempotent schema change.
type Migration struct {
	Version    uint32
	Name       string
	Statements []Query
}

// ErrSchemaOutdated means the database has not been migrated to the version
// this build needs: run `tributary migrate`.
var ErrSchemaOutdated = errors.New("database schema is older than this build needs; run `tributary migrate`")

// Migrations returns every migration in version order, with {db} replaced by
// the quoted database name; a statement with the placeholder
// {random_key:String} has 32 random bytes (crypto/rand, hex), new on every
// call, as that parameter.
func Migrations(db string) ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate a key: %w", err)
	}
	random := Params{{"random_key", hex.EncodeToString(key)}}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("migration %q: name must be NNNN_name.sql", name)
		}
		v, err := strconv.ParseUint(num, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("migration %q: %w", name, err)
		}
		body, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", name, err)
		}
		out = append(out, Migration{
			Version:    uint32(v),
			Name:       strings.TrimSuffix(name, ".sql"),
			Statements: migrationQueries(InDB(string(body), db), random),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// The queries of the migration log; {db} is the database (InDB).
const (
	createDatabase   = "CREATE DATABASE IF NOT EXISTS {db}"
	createMigrations = "CREATE TABLE IF NOT EXISTS {db}.schema_migrations" +
		" (version UInt32, name String, applied DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree ORDER BY version"
	recordMigration = "INSERT INTO {db}.schema_migrations (version, name, applied) SETTINGS async_insert = 0 " +
		"SELECT {version:UInt32}, {name:String}, fromUnixTimestamp64Milli({applied:Int64}, 'UTC')"
	appliedMigrations = "SELECT version FROM {db}.schema_migrations"
)

// LatestVersion is the schema version this build needs.
func LatestVersion() uint32 {
	ms, err := Migrations("x")
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// Migrate creates the database and applies every migration not yet recorded
// in its schema_migrations table. Each migration is idempotent, so a run cut
// short is completed by the next one.
func Migrate(ctx context.Context, e Engine, db string) (applied []uint32, err error) {
	return MigrateTo(ctx, e, db, math.MaxUint32)
}

// MigrateTo is Migrate stopping after version last: the schema an older
// build left behind (tests of a migration on stored data).
func MigrateTo(ctx context.Context, e Engine, db string, last uint32) (applied []uint32, err error) {
	if err := CheckIdent(db); err != nil {
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if err := e.Exec(ctx, SQL(InDB(createDatabase, db))); err != nil {
		return nil, fmt.Errorf("create database %s: %w", db, err)
	}
	if err := e.Exec(ctx, SQL(InDB(createMigrations, db))); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done, err := appliedVersions(ctx, e, db)
	if err != nil {
		return nil, err
	}
	ms, err := Migrations(db)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if done[m.Version] || m.Version > last {
			continue
		}
		for i, stmt := range m.Statements {
			if err := e.Exec(ctx, stmt); err != nil {
				return applied, fmt.Errorf("migration %s statement %d: %w", m.Name, i+1, err)
			}
		}
		rec := Query{Text: InDB(recordMigration, db), Params: Params{
			{"version", m.Version}, {"name", m.Name}, {"applied", time.Now().UnixMilli()}}}
		if err := e.Exec(ctx, rec); err != nil {
			return applied, fmt.Errorf("record migration %s: %w", m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// CheckSchema returns ErrSchemaOutdated unless every migration of this build
// has been applied to db. Services call it at start instead of creating tables.
func CheckSchema(ctx context.Context, e Engine, db string) error {
	if err := CheckIdent(db); err != nil {
		return fmt.Errorf("check schema: database: %w", err)
	}
	done, err := appliedVersions(ctx, e, db)
	if err != nil {
		if ServerCode(err) == 81 || ServerCode(err) == 60 { // UNKNOWN_DATABASE, UNKNOWN_TABLE
			return fmt.Errorf("database %s: %w", db, ErrSchemaOutdated)
		}
		return err
	}
	ms, err := Migrations(db)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if !done[m.Version] {
			return fmt.Errorf("database %s lacks migration %s: %w", db, m.Name, ErrSchemaOutdated)
		}
	}
	return nil
}

func appliedVersions(ctx context.Context, e Engine, db string) (map[uint32]bool, error) {
	rows, err := e.Query(ctx, SQL(InDB(appliedMigrations, db)))
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[uint32]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("scan schema_migrations: %w", err)
		}
		done[v] = true
	}
	return done, rows.Err()
}

// migrationQueries are the statements of a migration file, those naming
// {random_key:String} with random as their parameters.
func migrationQueries(body string, random Params) []Query {
	stmts := splitStatements(body)
	out := make([]Query, len(stmts))
	for i, s := range stmts {
		out[i] = SQL(s)
		if strings.Contains(s, "{random_key:String}") {
			out[i].Params = random
		}
	}
	return out
}

// splitStatements splits a migration file on semicolons that end a line,
// dropping comment-only chunks.
func splitStatements(body string) []string {
	var out []string
	for _, chunk := range strings.Split(body, ";\n") {
		var lines []string
		for _, l := range strings.Split(chunk, "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
				lines = append(lines, l)
			}
		}
		if s := strings.TrimSpace(strings.Join(lines, "\n")); s != "" {
			out = append(out, strings.TrimSuffix(s, ";"))
		}
	}
	return out
}
