/*
 * reasons.c - the engine's one vocabulary for failure: a failure is named by one reason,
 * a ddp_status, and these are the two mappings at its edges: a reason to the HRESULT a
 * file's result carries (API.md §2-§3), and a failure code of the application's store
 * callbacks to a reason (API.md §4).
 */
#include "reasons.h"

#include "ddp/restore.h"

int32_t rs_hr_of(ddp_status st, rs_origin origin)
{
    switch (st) {
    case DDP_OK:
        return DDP_S_OK;
    case DDP_ERR_NOT_DEDUP:
    case DDP_ERR_NOT_REPARSE:
        return DDP_S_FALSE;
    case DDP_ERR_NO_MEMORY:
        return DDP_HR_E_OUTOFMEMORY;
    case DDP_ERR_NOT_FOUND:
        return DDP_HR_PATH_NOT_FOUND;
    case DDP_ERR_INVALID_ARG:
        return DDP_HR_E_INVALIDARG;
    case DDP_ERR_IO:
        return DDP_HR_E_FAIL;
    case DDP_ERR_PROTOCOL:
    case DDP_ERR_INTERNAL:
        return DDP_HR_UNEXPECTED;
    case DDP_ERR_ACCESS_DENIED:
        return DDP_HR_E_ACCESSDENIED;
    case DDP_ERR_IS_DIRECTORY:
        return DDP_HR_DIRECTORY_NOT_SUPPORTED;
    case DDP_ERR_HARD_LINK:
        return DDP_HR_NOT_SUPPORTED;
    case DDP_ERR_UNKNOWN_LAYOUT:
    case DDP_ERR_BAD_LENGTH:
    case DDP_ERR_CRC:
    case DDP_ERR_RANGE:
    case DDP_ERR_BAD_MAGIC:
    case DDP_ERR_TRUNCATED:
    case DDP_ERR_CORRUPT_DATA:
    case DDP_ERR_HASH_MISMATCH:
    case DDP_ERR_UNSUPPORTED:   /* e.g. an unknown compression: what the engine cannot read */
        return origin == RS_IN_STUB ? DDP_HR_INVALID_DATA : DDP_HR_FILE_CORRUPT;
    case DDP_ERR_NO_RECORD:
    case DDP_WARN_UNVERIFIED:   /* as a failure: not restored unverified */
        return DDP_HR_FILE_CORRUPT;
    }
    return DDP_HR_UNEXPECTED;
}

/* A failing store call: "not found" kinds mean the container is not in the backup; a few
 * common codes keep their meaning (so their HRESULT is the store's own); any other
 * failure is an I/O error (the message keeps the store's code). DDP_HR_UNEXPECTED is also
 * what rs_read_counted gives for an answer claiming more bytes than asked. */
ddp_status rs_store_failure(int32_t code)
{
    switch ((uint32_t)code) {
    case 0x80070002u:   /* ERROR_FILE_NOT_FOUND */
    case 0x80070003u:   /* ERROR_PATH_NOT_FOUND */
    case 0x8007000Fu:   /* ERROR_INVALID_DRIVE */
    case 0x80070035u:   /* ERROR_BAD_NETPATH */
    case 0x80070043u:   /* ERROR_BAD_NET_NAME */
    case 0x8007007Bu:   /* ERROR_INVALID_NAME */
    case 0x800700A1u:   /* ERROR_BAD_PATHNAME */
    case 0x80030002u:   /* STG_E_FILENOTFOUND */
    case 0x80030003u:   /* STG_E_PATHNOTFOUND */
    case 0x80565301u:   /* DDP_E_NOT_FOUND */
    case 0x80565304u:   /* DDP_E_PATH_NOT_FOUND */
        return DDP_ERR_NOT_FOUND;
    case 0x8007000Eu:   /* E_OUTOFMEMORY */
        return DDP_ERR_NO_MEMORY;
    case 0x80070005u:   /* E_ACCESSDENIED */
        return DDP_ERR_ACCESS_DENIED;
    case 0x80070057u:   /* E_INVALIDARG */
        return DDP_ERR_INVALID_ARG;
    case 0x8056530Cu:   /* DDP_E_UNEXPECTED */
        return DDP_ERR_PROTOCOL;
    default:
        return code < 0 ? DDP_ERR_IO : DDP_ERR_PROTOCOL;
    }
}
