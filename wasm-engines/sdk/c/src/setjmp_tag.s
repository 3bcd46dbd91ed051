# The tag of the C longjmp exception, thrown by __wasm_longjmp (setjmp.c) and caught by every
# function that calls setjmp. Its payload is one i32: a pointer to { void *env; int val; }.
# C has no syntax for a Wasm tag, hence this file.
.globl __c_longjmp
.tagtype __c_longjmp i32
__c_longjmp:
