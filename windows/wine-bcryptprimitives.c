/* A stand-in for Windows' bcryptprimitives.dll, for running tothon.exe
 * under Wine 8 (Debian 12's), which lacks the DLL. Rust's standard library
 * imports one function from it, ProcessPrng, to fill buffers with random
 * bytes; this forwards to RtlGenRandom (advapi32's SystemFunction036),
 * which Wine has. Windows 10 and later ship the real DLL: this file is for
 * testing under Wine only and never goes to users.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll \
 *          wine-bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
