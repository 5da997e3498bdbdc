#!/usr/bin/env bash
# split-modules.sh — issue 9, item 1: make `schemas` the contracts shared by
# every service and move the shared runtime into a new module, `platform`
# (docs/architecture.md shows the result).
#
# Run from anywhere inside the repository, on a clean tree (FORCE=1 skips that
# check). It moves whole directories and files and rewrites import paths only,
# so it works on a tree whose files were edited after it was written; running
# it again changes nothing. It does not commit: review with `git status`, then
# `git add -A && git commit`.
#
# Steps:
#   1. creates the module github.com/tributary-lrs/tributary/platform;
#   2. `git mv`s each directory of MOVES (sub-packages, tests and testdata go
#      with it);
#   3. moves the external tests (package X_test) of a package that stays in
#      schemas but tests it on a platform engine to platform/<pkg>/enginetest
#      (today: schemas/store/attachments_test.go, which opens chDB);
#   4. rewrites every import path, and every other mention of a moved path in
#      .go files, the Makefile and the Markdown docs; gofmts what it changed;
#   5. adds platform to go.work, the Makefile's MODULES, the Dockerfile's
#      module-file layer and the require/replace of every module;
#   6. runs `go mod tidy` in every module;
#   7. checks the dependency rule (schemas imports nothing of ours but itself
#      and requires only ALLOW; platform imports no service), then runs
#      `go build ./...` and `go vet ./...` in every module (SKIP_VERIFY=1 skips).
set -euo pipefail

ROOT=github.com/tributary-lrs/tributary
# "from to", relative to the repository: runtime out of schemas, and the
# watermark semantics (pure: envelope and time) from the processor into it.
MOVES=(
	"schemas/auth platform/auth"
	"schemas/config platform/config"
	"schemas/kafkatopic platform/kafkatopic"
	"schemas/svc platform/svc"
	"schemas/xapihttp platform/xapihttp"
	"schemas/store/chdb platform/store/chdb"
	"schemas/store/chhttptest platform/store/chhttptest"
	"schemas/store/clickhouse platform/store/clickhouse"
	"schemas/store/storetest platform/store/storetest"
	"processor/watermark schemas/watermark"
)
# The only modules schemas/go.mod may require (directly or indirectly): uuid
# (statement ids), x/text (language tags), goleak (tests). Keep in step with
# internal/archtest.
ALLOW=(github.com/google/uuid golang.org/x/text go.uber.org/goleak)
MODULES=(schemas platform ingest processor query .)

cd "$(git rev-parse --show-toplevel)"
say() { printf '== %s\n' "$*"; }
die() { printf 'split-modules: %s\n' "$*" >&2; exit 1; }

[ -f go.work ] && [ -f schemas/go.mod ] || die "run inside the tributary repository"
if [ -z "${FORCE:-}" ] && [ -n "$(git status --porcelain)" ]; then
	die "the work tree is not clean (commit or stash first, or FORCE=1)"
fi

# 1. The platform module.
if [ ! -f platform/go.mod ]; then
	say "create platform/go.mod"
	mkdir -p platform
	# Seeded with schemas' requirements (marked indirect; the tidy below marks
	# what platform imports as direct and drops the rest) and sums, so the
	# moved code keeps the versions it was built with.
	{
		printf 'module %s/platform\n\ngo %s\n\n' "$ROOT" "$(sed -n 's/^go \([0-9.]*\)$/\1/p' schemas/go.mod)"
		printf 'require %s/schemas v0.0.0\n\nrequire (\n' "$ROOT"
		(cd schemas && go mod edit -json) | tr -d ' \t' | sed -n '/^"Require":\[/,/^\]/p' |
			sed -n 's/^"\(Path\|Version\)":"\([^"]*\)",*$/\2/p' | paste - - |
			while read -r path version; do printf '\t%s %s // indirect\n' "$path" "$version"; done
		printf ')\n\nreplace %s/schemas => ../schemas\n' "$ROOT"
	} >platform/go.mod
	[ -f schemas/go.sum ] && cp schemas/go.sum platform/go.sum
fi

# 2. Whole directories.
froms=()
to_platform=()
for pair in "${MOVES[@]}"; do
	read -r from to <<<"$pair"
	froms+=("$from")
	[[ $to == platform/* ]] && to_platform+=("$from")
	if [ -n "$(git ls-files "$from")" ]; then
		[ -n "$(git ls-files "$to")" ] && die "$to exists and $from too: merge them by hand"
		say "git mv $from $to"
		mkdir -p "$(dirname "$to")"
		git mv "$from" "$to"
	fi
	if [ -d "$from" ]; then
		echo "   note: $from still holds untracked files: $(find "$from" -type f | head -3 | tr '\n' ' ')" >&2
	fi
done
from_alt=$(IFS='|'; echo "${froms[*]}")

# 3. External tests of a package staying in schemas that need a platform
#    package (an engine, a test server): all X_test files of that package move
#    together (they share helpers and TestMain) into the test-only package
#    platform/<pkg>/enginetest.
needs_platform="\"$ROOT/(($(IFS='|'; echo "${to_platform[*]}"))|platform)(/[^\"]*)?\""
while IFS= read -r dir; do
	xtests=()
	needs=""
	for f in "$dir"/*_test.go; do
		[ -e "$f" ] || continue
		if grep -qE '^package [A-Za-z0-9_]+_test$' "$f"; then
			xtests+=("$f")
			grep -qE "$needs_platform" "$f" && needs=1
		fi
	done
	[ -n "$needs" ] || continue
	dest="platform/${dir#schemas/}/enginetest"
	say "move the engine tests of $dir to $dest"
	mkdir -p "$dest"
	for f in "${xtests[@]}"; do
		git mv "$f" "$dest/$(basename "$f")"
		sed -i -E 's/^package [A-Za-z0-9_]+_test$/package enginetest/' "$dest/$(basename "$f")"
	done
	if [ -e "$dir/export_test.go" ]; then
		echo "   note: $dir/export_test.go exported internals to the moved tests: check $dest" >&2
	fi
done < <(git ls-files 'schemas/*_test.go' | xargs -r -n1 dirname | sort -u)

# 4. Import paths, and mentions of the moved paths in comments and docs.
say "rewrite import paths"
exprs=()
for pair in "${MOVES[@]}"; do
	read -r from to <<<"$pair"
	# The import path, and the path relative to the repository in prose.
	exprs+=(-e "s#$ROOT/$from([^[:alnum:]_-]|\$)#$ROOT/$to\\1#g")
	exprs+=(-e "s#(^|[^[:alnum:]_./-])$from([^[:alnum:]_-]|\$)#\\1$to\\2#g")
done
mentions="(^|[^[:alnum:]_.-])($from_alt)([^[:alnum:]_-]|\$)"
changed=()
while IFS= read -r f; do
	if grep -qE "$mentions" "$f"; then
		sed -i -E "${exprs[@]}" "$f"
		changed+=("$f")
	fi
done < <(git ls-files '*.go')
# Prose of moved files that names their old module.
while IFS= read -r f; do
	if grep -qE 'cd schemas &&|lives in schemas because' "$f"; then
		sed -i -E -e 's/cd schemas &&/cd platform \&\&/g' -e 's/lives in schemas because/lives in platform because/' "$f"
		changed+=("$f")
	fi
done < <(git ls-files 'platform/*.go')
if [ "${#changed[@]}" -gt 0 ]; then
	printf '%s\n' "${changed[@]}" | sort -u | xargs gofmt -w
	echo "   $(printf '%s\n' "${changed[@]}" | sort -u | wc -l) Go files rewritten"
fi
while IFS= read -r f; do
	sed -i -E "${exprs[@]}" "$f"
done < <(git ls-files Makefile '*.md')

# 5. Workspace, Makefile, Dockerfile, go.mod require/replace.
say "wire the platform module"
grep -qE '^[[:space:]]*\./platform[[:space:]]*$' go.work || go work use ./platform
sed -i -E '/^MODULES[[:space:]]*:=/{/[[:space:]]platform([[:space:]]|$)/!s/([[:space:]])schemas([[:space:]]|$)/\1schemas platform\2/}' Makefile
df=deployments/service.Dockerfile
if [ -f "$df" ] && ! grep -q '^COPY platform/go.mod' "$df"; then
	sed -i '/^COPY schemas\/go.mod/a COPY platform/go.mod platform/go.sum* platform/' "$df"
fi
# Every service module imports platform (config, svc, xapihttp): its require
# and replace go beside those of schemas (a require a module turns out not to
# need is dropped by the tidy below).
for m in ingest processor query .; do
	grep -q "$ROOT/platform " "$m/go.mod" && continue
	ROOT=$ROOT perl -i -pe 'if (m{^(\s*(?:replace )?)\Q$ENV{ROOT}\E/schemas (?:v0\.0\.0|=> \.\.?/schemas)\s*$}) { (my $p = $_) =~ s/schemas/platform/g; $_ = $p . $_ }' "$m/go.mod"
	[ "$m" = . ] && target=./platform || target=../platform
	go mod edit -require="$ROOT/platform@v0.0.0" -replace="$ROOT/platform=$target" "$m/go.mod"
done

# 6. go mod tidy, contracts first.
for m in "${MODULES[@]}"; do
	say "go mod tidy ($m)"
	(cd "$m" && GOFLAGS=-mod=mod go mod tidy)
done

# 7. The dependency rule.
say "check the dependency rule"
bad=0
while IFS= read -r line; do
	echo "   schemas imports $line" >&2
	bad=1
done < <(git ls-files -co --exclude-standard 'schemas/*.go' | xargs -r grep -HnoE "\"$ROOT/[^\"]*\"" |
	grep -vE "\"$ROOT/schemas(/[^\"]*)?\"" || true)
while IFS= read -r line; do
	echo "   platform imports a service: $line" >&2
	bad=1
done < <(git ls-files -co --exclude-standard 'platform/*.go' | xargs -r grep -HnoE "\"$ROOT/[^\"]*\"" |
	grep -vE "\"$ROOT/(schemas|platform)(/[^\"]*)?\"" || true)
allow_re="^($(IFS='|'; echo "${ALLOW[*]}" | sed 's/\./\\./g'))\$"
mapfile -t reqs < <(cd schemas && go mod edit -json | tr -d ' \t' |
	sed -n '/^"Require":\[/,/^\]/s/^"Path":"\([^"]*\)",*$/\1/p' | sort -u)
for mod in "${reqs[@]}"; do
	if ! grep -qE "$allow_re" <<<"$mod"; then
		echo "   schemas/go.mod requires $mod (not in ALLOW)" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] || die "the dependency rule is broken (above): move those files or packages too"
echo "   schemas/go.mod requires: ${reqs[*]:-nothing}"

if [ -z "${SKIP_VERIFY:-}" ]; then
	for m in "${MODULES[@]}"; do
		say "go build + go vet ($m)"
		(cd "$m" && go build ./... && go vet ./...)
	done
fi
say "done: review with git status, then git add -A && git commit"
