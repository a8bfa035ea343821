# scenarios.sh — sourced by lab and gen-postfix.sh: the one place that maps
# scenario names to ports. lab.env gets LAB_PORT_<NAME>=<port> for each.
# Every port is served on both 127.0.0.1 and [::1].
LAB_SCENARIOS="
GOOD:10025
NOTLS:10026
SELFSIGNED:10027
EXPIRED:10028
WRONGNAME:10029
NOCHAIN:10030
LEGACY:10031
OLDONLY:10032
POSTSCREEN:10033
IMPLICIT:10034
HSFAIL:10035
WEAK:10036
EXPIRING:10037
BUSY:10038
REJECT:10039
"
LAB_DNS_PORT=5333

# lab_port NAME: the port of scenario NAME
lab_port() {
	local s
	for s in $LAB_SCENARIOS; do
		[ "${s%%:*}" = "$1" ] && { echo "${s#*:}"; return 0; }
	done
	echo "no port for scenario $1" >&2
	return 1
}
