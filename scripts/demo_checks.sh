# demo_checks.sh - sourced by scripts/demo.sh: what a Windows volume cannot hold, found
# before the demo starts, and regsvr32's exit codes in words.

# check_windows_names ROOT MAX_CHARS: one line per entry under ROOT that Windows cannot
# hold (at most 20, then a count): names that differ only in case in one folder, names
# with a character Windows forbids (< > : " \ | ? * or a control character), ending in a
# dot or a space, or reserved for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with any
# extension), and paths (relative to ROOT) longer than MAX_CHARS characters. Returns 1
# when there is any.
check_windows_names() {
    local root=$1 max=$2 rel base lower forbidden='[<>:"\|?*]' reserved='^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$'
    local -A seen=()
    local -a found=()
    while IFS= read -r -d '' rel; do
        base=${rel##*/}
        lower=${rel,,}
        if [ -n "${seen[$lower]+x}" ]; then
            found+=("names that differ only in case: '${seen[$lower]}' and '$rel'")
        else
            seen[$lower]=$rel
        fi
        if [[ $base =~ $forbidden ]]; then
            found+=("a character Windows forbids in a name (< > : \" \\ | ? *): '$rel'")
        elif [[ $base =~ [[:cntrl:]] ]]; then
            found+=("a control character in a name: $(printf '%q' "$rel")")
        elif [[ $base == *. || $base == *' ' ]]; then
            found+=("a name ending in a dot or a space: '$rel'")
        fi
        if [[ ${base^^} =~ $reserved ]]; then
            found+=("a name Windows reserves for a device: '$rel'")
        fi
        if [ "${#rel}" -gt "$max" ]; then
            found+=("a path longer than the sample application supports here (${#rel} characters, at most $max): '$rel'")
        fi
    done < <(find "$root" -mindepth 1 -printf '%P\0')
    [ "${#found[@]}" -eq 0 ] && return 0
    printf '%s\n' "${found[@]:0:20}"
    [ "${#found[@]}" -le 20 ] || echo "... and $((${#found[@]} - 20)) more"
    return 1
}

# regsvr32_meaning CODE: what regsvr32's exit status says.
regsvr32_meaning() {
    case $1 in
        1) echo "bad arguments" ;;
        2) echo "OleInitialize failed" ;;
        3) echo "the DLL could not be loaded (missing, or a dependency missing)" ;;
        4) echo "the DLL has no DllRegisterServer" ;;
        5) echo "DllRegisterServer failed" ;;
        *) echo "unknown regsvr32 status" ;;
    esac
}
