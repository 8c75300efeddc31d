/* Placeholder translation unit for a library whose sources are not written yet. */
typedef int careday_empty_unit;
