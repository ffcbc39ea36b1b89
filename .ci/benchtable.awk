# Turns `go test -bench` output into a table: each benchmark's measured
# value, its budget, and the ratio (below 1 is within budget). Benchmarks
# report their budget as "budget-ms"; a benchmark whose compared quantity is
# not ns/op also reports "measured-ms"; ratio budgets report "budget-ratio".
/^pkg:/ { pkg = $2; sub(/.*\/slant\//, "", pkg) }
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	nsop = ""; budget = ""; measured = ""; ratio = ""; extra = ""
	for (i = 3; i < NF; i++) {
		unit = $(i + 1)
		if (unit == "ns/op") nsop = $i
		else if (unit == "budget-ms") budget = $i
		else if (unit == "measured-ms") measured = $i
		else if (unit == "budget-ratio") ratio = $i
		else if (unit !~ /^(B\/op|allocs\/op)$/ && $i ~ /^[0-9.e+-]+$/) extra = extra sprintf(" %s %s", $i, unit)
	}
	if (measured == "" && nsop != "") measured = nsop / 1e6
	if (ratio == "" && budget != "" && budget > 0) ratio = measured / budget
	rows[++n] = sprintf("%-16s %-44s %12.3f %10s %8s %s%s", pkg, name, measured, (budget == "" ? "-" : budget), \
		(ratio == "" ? "-" : sprintf("%.2f", ratio)), (ratio != "" && ratio > 1 ? "OVER " : ""), extra)
}
END {
	printf "%-16s %-44s %12s %10s %8s %s\n", "PACKAGE", "BENCHMARK", "MEASURED ms", "BUDGET ms", "RATIO", "NOTES"
	for (i = 1; i <= n; i++) print rows[i]
}
