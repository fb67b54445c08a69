# Shared set-up steps for run.sh and test.sh (sourced, not run).

install_system_packages() {
    # Debian/Ubuntu packages, installed only when missing (needs root or sudo).
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_pdf_libraries() {
    # WeasyPrint renders through Pango; without libharfbuzz-subset0 it warns on import and
    # renders 3x slower. The PDF's fonts come from here, never from the network.
    install_system_packages libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
}

install_browser() {
    # The browser tests drive Debian's Chromium through Playwright (its own browser
    # download is not needed). Without it they are skipped, except under CI=true.
    install_system_packages chromium && return 0
    [ "${CI:-}" = "true" ] && return 1
    echo "Chromium could not be installed: the browser tests will be skipped."
}

setup_python_env() {
    # $1: the extras to install, e.g. "[test]" or "".
    install_pdf_libraries
    if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
        install_system_packages python3-venv
    fi
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -m pip install -q -e ".$1" 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -c "import passport" # fail here, clearly, if the install did not work
}
