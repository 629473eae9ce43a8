/* Exact apportionment: a total split in proportion to weights into parts that are whole
 * multiples of a rounding unit and add up exactly to the total (largest remainder). */
#ifndef SPM_APPORTION_H
#define SPM_APPORTION_H

#include "decimal.h"

#include <stdbool.h>
#include <stddef.h>

/* Splits total (>= 0) into n parts in proportion to weights (>= 0, not all 0). Each part
 * is a multiple of unit (> 0) and within one unit of its exact share; they add up to
 * total exactly. When total is not itself a multiple of unit, the odd remainder goes to
 * one part, which is then not a multiple. Remaining units go to the largest remainders,
 * ties to the earlier part. Returns false on bad arguments or when the numbers are too
 * large for exact arithmetic. */
bool apportion(decimal total, const decimal *weights, size_t n, decimal unit, decimal *parts);

#endif
