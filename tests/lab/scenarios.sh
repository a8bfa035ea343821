# shellcheck shell=bash disable=SC2034  # sourced; the variables are used by the sourcing scripts
# scenarios.sh — sourced by lab and gen-postfix.sh: the one place that maps
# scenario names to ports. lab.env gets LAB_PORT_<NAME>=<port> for each name
# in LAB_SCENARIOS. Every port is served on both 127.0.0.1 and [::1].
LAB_SCENARIOS="GOOD NOTLS SELFSIGNED EXPIRED WRONGNAME NOCHAIN LEGACY OLDONLY
POSTSCREEN IMPLICIT HSFAIL WEAK EXPIRING BUSY REJECT SPLIT
SCANOLD SCANNULL SCANANON SCANRSA SCANDHE1024 SCAN12ONLY SCANSERVERORDER
SCANCLIENTORDER SCANDUAL SCAN13ONLY"
LAB_PORT_GOOD=10025
LAB_PORT_NOTLS=10026
LAB_PORT_SELFSIGNED=10027
LAB_PORT_EXPIRED=10028
LAB_PORT_WRONGNAME=10029
LAB_PORT_NOCHAIN=10030
LAB_PORT_LEGACY=10031
LAB_PORT_OLDONLY=10032
LAB_PORT_POSTSCREEN=10033
LAB_PORT_IMPLICIT=10034
LAB_PORT_HSFAIL=10035
LAB_PORT_WEAK=10036
LAB_PORT_EXPIRING=10037
LAB_PORT_BUSY=10038
LAB_PORT_REJECT=10039
LAB_PORT_SPLIT=10040      # IPv4 good, IPv6 self-signed + TLS 1.0/1.1
# Deep TLS inspection (versions and suites accepted); the accepted
# (version, suite) pairs of each are in tests/scan/truth/<NAME>.txt.
LAB_PORT_SCANOLD=10041         # TLS 1.0-1.2, ALL at SECLEVEL=0 (kRSA, CBC, DHE, ECDHE), RSA cert
LAB_PORT_SCANNULL=10042        # TLS 1.2, eNULL suites only, RSA cert
LAB_PORT_SCANANON=10043        # TLS 1.2, anonymous (aNULL) suites only, no certificate
LAB_PORT_SCANRSA=10044         # TLS 1.2, static RSA key exchange only
LAB_PORT_SCANDHE1024=10045     # TLS 1.2, DHE-RSA only, 1024-bit group (RFC 2409 group 2)
LAB_PORT_SCAN12ONLY=10046      # TLS 1.2 only, ECDHE + AEAD only
LAB_PORT_SCANSERVERORDER=10047 # TLS 1.2+1.3, explicit unusual order, server order
LAB_PORT_SCANCLIENTORDER=10048 # the same lists, client order
LAB_PORT_SCANDUAL=10049        # TLS 1.2+1.3, RSA and ECDSA certificates
LAB_PORT_SCAN13ONLY=10050      # TLS 1.3 only, all five TLS 1.3 suites
LAB_HTTPS_PORT=443    # nginx, MTA-STS policies (RFC 8461 fixes 443)
LAB_DNS_PORT=5333    # Knot, 127.0.0.1 only (UDP and TCP)
