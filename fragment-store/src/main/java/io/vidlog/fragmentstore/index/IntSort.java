package io.vidlog.fragmentstore.index;

/** Sorting and merging of int arrays (positions) by a caller-given order, without boxing. */
final class IntSort {
  /** A total order on positions. */
  interface IntOrder {
    int compare(int a, int b);
  }

  private IntSort() {}

  /** Sorts {@code a[0..n)} by {@code order} (merge sort, O(n log n), one scratch array). */
  static void sort(int[] a, int n, IntOrder order) {
    if (n < 2) {
      return;
    }
    int[] scratch = new int[n];
    int[] src = a;
    int[] dst = scratch;
    // Bottom-up: runs of 16 by insertion sort, then merge passes.
    for (int lo = 0; lo < n; lo += 16) {
      insertion(a, lo, Math.min(n, lo + 16), order);
    }
    for (int width = 16; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(n, lo + width);
        int hi = Math.min(n, lo + 2 * width);
        merge(src, lo, mid, src, mid, hi, dst, lo, order);
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != a) {
      System.arraycopy(src, 0, a, 0, n);
    }
  }

  private static void insertion(int[] a, int from, int to, IntOrder order) {
    for (int i = from + 1; i < to; i++) {
      int v = a[i];
      int j = i - 1;
      while (j >= from && order.compare(a[j], v) > 0) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  /** Merges two sorted ranges into {@code out[at..)}. */
  static void merge(int[] a, int aFrom, int aTo, int[] b, int bFrom, int bTo, int[] out, int at, IntOrder order) {
    int i = aFrom;
    int j = bFrom;
    int k = at;
    while (i < aTo && j < bTo) {
      out[k++] = order.compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
    }
    while (i < aTo) {
      out[k++] = a[i++];
    }
    while (j < bTo) {
      out[k++] = b[j++];
    }
  }
}
