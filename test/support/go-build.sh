# Sourced by the test/*/build.sh scripts: builds test binaries from pinned Go modules into a
# cache folder. Each output has a stamp line in <bin dir>/.stamp (name, module@version,
# recipe, a hash of the module's go.mod and go.sum); it is rebuilt only when it is missing or
# its stamp line changed. Everything is fetched through the Go module proxy only.
#
# The sourcing script sets bin_dir (the output folder) and log() (a prefixed line on stderr),
# and passes its arguments to build_args.

# Reads the arguments every build script takes: --force (rebuild everything, sets force=1)
# and --help (prints the script's header comment, lines 2 to help-end).
build_args() { # help-end args...
  local help_end="$1" arg; shift
  force=0
  for arg in "$@"; do
    case "$arg" in
      --force|-f) force=1 ;;
      -h|--help) sed -n "2,${help_end}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
  done
}

# The version a go.mod pins a module at (a require line or a require block entry).
pinned() { # go.mod module-path
  awk -v m="$2" '($1 == "require" && $2 == m) { print $3 } ($1 == m && $2 ~ /^v/) { print $2 }' "$1" | head -n1
}

mod_hash() { # files...
  cat "$@" | sha256sum | cut -c1-16
}

# Creates bin_dir and holds its lock until the script exits, so that concurrent runs (CI and
# a developer shell, several test workers) build each binary once.
lock_bin_dir() {
  mkdir -p "$bin_dir"
  stamp_file="$bin_dir/.stamp"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$bin_dir/.lock"
    flock 9
  fi
}

up_to_date() { # name stamp-line
  [[ $force -eq 0 && -e "$bin_dir/$1" && -f "$stamp_file" ]] && grep -qxF "$2" "$stamp_file"
}

write_stamp() { # name stamp-line
  local tmp="$stamp_file.tmp.$$"
  { [[ -f "$stamp_file" ]] && grep -v "^$1 " "$stamp_file" || true; echo "$2"; } >"$tmp"
  mv -f "$tmp" "$stamp_file"
}

# Builds one binary unless it is up to date. toolchain: a GOTOOLCHAIN value, "local" for the
# installed Go.
go_build() { # name module-dir package stamp-line toolchain [go build args...]
  local name="$1" dir="$2" pkg="$3" stamp="$4" toolchain="$5"; shift 5
  if up_to_date "$name" "$stamp"; then
    log "$name is up to date ($stamp)"
    return 0
  fi
  log "building $name from $pkg (${stamp#* })"
  local t0 out="$bin_dir/.$name.tmp.$$"
  t0=$(date +%s)
  (
    cd "$dir"
    # -mod=readonly: go.mod/go.sum are committed and complete; never edit them.
    GOTOOLCHAIN="$toolchain" CGO_ENABLED=0 go build -mod=readonly -trimpath "$@" -o "$out" "$pkg"
  ) || { rm -f "$out"; log "error: building $name failed"; return 1; }
  mv -f "$out" "$bin_dir/$name"
  write_stamp "$name" "$stamp"
  log "built $name in $(( $(date +%s) - t0 ))s ($(du -h "$bin_dir/$name" | cut -f1))"
}

# The version ldflags of Kubernetes binaries built outside its own build scripts.
k8s_ldflags() { # k8s-version
  local minor="${1#v1.}" flags="-s -w" pkg
  minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$1 -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  echo "$flags"
}
