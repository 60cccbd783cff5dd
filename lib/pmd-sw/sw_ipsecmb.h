/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The "ipsecmb" software backend (intel-ipsec-mb): what it shows beyond the
 * PMD interface. PMD-facing tier.
 */
#ifndef CE_SW_IPSECMB_H
#define CE_SW_IPSECMB_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The intel-ipsec-mb code path chosen at run time from the CPU ("AVX512",
 * "AVX2", "AVX", "SSE"), for the algorithm listing.
 * @return the name, or "none" before the first ipsecmb device was configured.
 */
const char *ce_ipsecmb_arch(void);

#ifdef __cplusplus
}
#endif

#endif /* CE_SW_IPSECMB_H */
