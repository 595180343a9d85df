# shellcheck shell=bash
# Shared by the scripts in jobs/ (sourced, not run): the build, a SPARK_HOME made
# of the build's Spark jars, and Spark's own command builder.
#
# Environment:
#   JAVA_HOME           the JDK (default: java on PATH)
#   HALOCONV_NO_BUILD   1: never run Maven; fail if target/haloconv.jar or target/classpath.txt is
#                       missing (the integration tests set it: Maven has just built them)

hc_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
hc_jar=$hc_root/target/haloconv.jar
hc_classpath=$hc_root/target/classpath.txt
hc_java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# Prints conf/jvm.options one flag per line, without its comments and blank lines: the flags every
# JVM of ours needs that spark-submit did not start (Spark's --add-opens, the vector module, ...).
# Use: mapfile -t opts < <(hc_jvm_options)
hc_jvm_options() {
  local line
  while read -r line; do
    case "$line" in "" | \#*) ;; *) printf '%s\n' "$line" ;; esac
  done < "$hc_root/conf/jvm.options"
}

# Builds target/haloconv.jar and its class archive if they are stale, then sets HALOCONV_NO_BUILD=1
# for everything the calling script starts after it. For benchmarks: they measure the build they
# started with, and editing the sources while one runs cannot put a rebuild (about a minute)
# inside a timed run.
hc_build_once() {
  "$hc_root/jobs/haloconv" --version >/dev/null
  export HALOCONV_NO_BUILD=1
}

hc_die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 2
}

# Builds target/haloconv.jar (haloconv + TwelveMonkeys + relocated protobuf, Spark left out) and target/classpath.txt
# (Spark's jars) on first use or when sources changed, as jobs/haloconv does.
hc_build() {
  if [ "${HALOCONV_NO_BUILD:-}" = 1 ]; then
    [ -f "$hc_jar" ] && [ -f "$hc_classpath" ] ||
      hc_die "HALOCONV_NO_BUILD=1 but $hc_jar or $hc_classpath is missing; run mvn package"
    return 0
  fi
  if [ -f "$hc_jar" ] && [ -f "$hc_classpath" ] &&
      [ -z "$(find "$hc_root/src/main" "$hc_root/pom.xml" -newer "$hc_jar" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  echo "$(basename "$0"): building (mvn package, first run or sources changed)..." >&2
  mkdir -p "$hc_root/target"
  (cd "$hc_root" && mvn -B -DskipTests -Dstyle.color=never package) \
      > "$hc_root/target/build.log" 2>&1 ||
    hc_die "the build failed; see target/build.log"
}

# Fills the array hc_cds with the JVM flags that start this JVM from a class-data-sharing archive
# (the JDK's dynamic CDS): the classes a job loads, parsed and verified once, mapped at every start
# instead of read from the jars. It makes a job start about 4 s sooner and use about a third less
# CPU on a few small images (docs/performance.md, "Start-up"). The archive belongs to one build and
# one JDK: target/cds/haloconv-KEY.jsa, KEY naming the JDK; it is made by one featurize run of
# data/images (about 30 s) when missing, older than the jar or made for other dependencies. A JVM
# given an archive it cannot use (another jar, another JDK, flags that change the object layout)
# starts without it, silently.
# Environment: HALOCONV_CDS=0 never uses one; 1 makes it even under HALOCONV_NO_BUILD=1, which
# otherwise uses an archive that is there but never makes one (tests must not write target/ behind
# each other). HALOCONV_CDS_DIR puts the archives elsewhere (a read-only checkout).
# HALOCONV_CDS_DUMP=FILE is internal: the launcher run that writes the archive to FILE.
hc_class_archive() {
  hc_cds=()
  if [ -n "${HALOCONV_CDS_DUMP:-}" ]; then # the run that makes the archive, below
    hc_cds=("-XX:ArchiveClassesAtExit=$HALOCONV_CDS_DUMP" -Xlog:cds*=off)
    return 0
  fi
  [ "${HALOCONV_CDS:-}" = 0 ] && return 0
  local dir=${HALOCONV_CDS_DIR:-$hc_root/target/cds}
  local java_path key
  java_path=$(readlink -f "$(command -v "$hc_java")" 2>/dev/null) || return 0
  # The JDK's path and its libjvm's time: an archive is valid for one JVM build only, and a JDK
  # upgraded in place keeps its path.
  local libjvm_time
  libjvm_time=$(stat -c %Y "${java_path%/bin/java}/lib/server/libjvm.so" 2>/dev/null) || true
  key=$(printf '%s %s' "$java_path" "$libjvm_time" | cksum | cut -d' ' -f1)
  local archive=$dir/haloconv-$key.jsa failed=$dir/haloconv-$key.failed
  # Stale when the jar was written after it (the JVM would refuse it) or the classpath's text
  # changed (compared, not dated: every Maven run rewrites the file with the same jars).
  if [ ! "$archive" -nt "$hc_jar" ] || ! cmp -s "$hc_classpath" "$archive.classpath"; then
    if [ "${HALOCONV_NO_BUILD:-}" = 1 ] && [ "${HALOCONV_CDS:-}" != 1 ]; then
      return 0
    fi
    # One attempt per build: a JDK without a base archive cannot make one, and should not try at
    # every start.
    [ "$failed" -nt "$hc_jar" ] && return 0
    mkdir -p "$dir" || return 0
    echo "$(basename "$0"): making a class archive for faster start-ups (once per build and JDK," \
      "about 30 s; HALOCONV_CDS=0 skips it)..." >&2
    local work
    work=$(mktemp -d "$dir/.make.XXXXXX") || return 0
    # The launcher itself makes it, so the JVM that writes the archive has exactly the classpath
    # and flags of the JVMs that will map it.
    if HALOCONV_CDS_DUMP=$work/archive.jsa HALOCONV_JAVA_OPTS='' \
        "$hc_root/jobs/haloconv" featurize --input "$hc_root/data/images" --filters "$hc_root/data/banks/random16.npz" --stride 2 \
        --padding 1 --activation relu --precision bfloat16 --master 'local[2]' \
        --output "$work/out" > "$dir/make.log" 2>&1 &&
      [ -s "$work/archive.jsa" ]; then
      cp "$hc_classpath" "$archive.classpath" && mv -f "$work/archive.jsa" "$archive" || true
      # Archives of earlier builds (any JDK's) can no longer be used: 160 MB each.
      find "$dir" -maxdepth 1 -name 'haloconv-*.jsa*' ! -newer "$hc_jar" -delete 2>/dev/null ||
        true
    else
      touch "$failed" || true
      echo "$(basename "$0"): could not make the class archive (see $dir/make.log);" \
        "starting without it" >&2
    fi
    rm -rf "$work"
    [ -f "$archive" ] || return 0
  fi
  hc_cds=("-XX:SharedArchiveFile=$archive" -Xlog:cds*=off)
}

# Prints a SPARK_HOME made of the build's Spark jars: a RELEASE file and jars/ (links to the jars
# of target/classpath.txt). This is what Spark's launcher and a standalone Worker look for; no
# download, no bin/ scripts. Rebuilt only when the classpath changes (not at every mvn package,
# which rewrites the same classpath), so a running cluster keeps its jars.
hc_spark_home() {
  local home=$hc_root/target/spark-home
  if cmp -s "$hc_classpath" "$home/classpath.txt"; then
    echo "$home"
    return 0
  fi
  local tmp
  tmp=$(mktemp -d "$hc_root/target/.spark-home.XXXXXX")
  chmod 755 "$tmp"
  mkdir "$tmp/jars"
  local jar
  while IFS= read -r -d ':' jar || [ -n "$jar" ]; do
    [ -n "$jar" ] && ln -s "$jar" "$tmp/jars/$(basename "$jar")"
  done < <(tr -d '\n' < "$hc_classpath")
  local version
  version=$(cd "$tmp/jars" && ls spark-core_*.jar | sed 's/^spark-core_[0-9.]*-\(.*\)\.jar$/\1/')
  echo "Spark $version (the jars of haloconv's Maven build; see jobs/lib/spark.sh)" > "$tmp/RELEASE"
  cp "$hc_classpath" "$tmp/classpath.txt"
  # Replace the old home, if any, by a rename, so a concurrent reader sees one or the other.
  if [ -d "$home" ]; then
    local old
    old=$(mktemp -d "$hc_root/target/.spark-home-old.XXXXXX")
    mv "$home" "$old/" 2>/dev/null || true
    rm -rf "$old"
  fi
  mv -T "$tmp" "$home" 2>/dev/null || rm -rf "$tmp" # a concurrent call got there first
  echo "$home"
}

# Fills the array hc_command with the JVM command Spark's launcher builds for CLASS and ARGS, as
# $SPARK_HOME/bin/spark-class does: Spark's Java 17 module flags, the jars/ classpath,
# --driver-memory and --driver-java-options for spark-submit, SPARK_DAEMON_MEMORY and
# SPARK_DAEMON_JAVA_OPTS for a Master or Worker. Needs SPARK_HOME exported.
hc_spark_command() {
  local launcher
  launcher=$(ls "$SPARK_HOME"/jars/spark-launcher_*.jar 2>/dev/null | head -n 1)
  [ -n "$launcher" ] || hc_die "no spark-launcher jar in $SPARK_HOME/jars"
  export SPARK_SCALA_VERSION=${SPARK_SCALA_VERSION:-2.13}
  hc_command=()
  local arg delim=$'\n' started=false
  # The launcher prints any message, a line holding a NUL, then the command's arguments each ended
  # by a NUL; the exit code is appended last, as spark-class does.
  while IFS= read -d "$delim" -r arg; do
    if [ "$started" = true ]; then
      hc_command+=("$arg")
    elif [ -z "$arg" ]; then
      started=true
      delim=''
    else
      echo "$arg" >&2
    fi
  done < <("$hc_java" -Xmx128m -cp "$launcher" org.apache.spark.launcher.Main "$@"; printf '%d\0' $?)
  local count=${#hc_command[@]}
  [ "$count" -gt 1 ] && [ "${hc_command[$((count - 1))]}" = 0 ] ||
    hc_die "Spark's launcher could not build the command for $1"
  unset "hc_command[$((count - 1))]"
}
