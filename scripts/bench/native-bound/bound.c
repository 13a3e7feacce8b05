/*
 * A native bound for the .npy pair path (issue 13): what one pass of Loss Lens's per-row work
 * costs in C, to know what ">= 1 GB/s on 2 cores with every breakdown" asks of the JS. A measuring
 * tool, not shipped code (run.sh builds and runs it).
 *
 * Per row, as the CLI does for categorical CE from float32 logits with int64 labels (classic preset,
 * exact log-softmax; src/core/columnar/read.ts, losses.ts categoricalBatch, the breakdown folder):
 *   - the row checked (label an integer in [0, K), every logit finite) and widened to double;
 *   - softmax around the max (libm exp), the normalised row, argmax, ln(sum), the loss
 *     -((z_t - max) - ln sum), the entropy ln(sum) - sum p (z - max);
 *   - clipping's contest test (p_t < 1e-4 or > 1 - 1e-6);
 *   - the accumulator (breakdown/accumulator.ts addBatch): count, min / max, the loss histogram
 *     (a table on the double's high word), top-label calibration bin (count, compensated
 *     confidence and outcome sums), compensated entropy, the fine confidence grid (3 sums), per
 *     class support, compensated loss, loss^2, weight, true-class probability, confidence of the
 *     predicted class, the K x K confusion, class-wise calibration (K totals a row, the bins of the
 *     p_k above 1/B), compensated Brier score, and the worst-k test (a heap of 50).
 * f64 throughout, -O2, no SIMD intrinsics (gcc may vectorise what it can). Built twice: with
 * glibc's exp, and with -DOWN_EXP, Loss Lens's own table-driven exp (core/loss/exp.ts) inlined.
 *
 * usage: bound LOGITS.npy LABELS.npy THREADS [MODE]
 *   MODE full (default) | loss (the softmax and loss only, summed) | read (the floats summed)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define K 10
#define BINS 15
#define TOPK 50
#define HIST_BINS 110 /* 10^-8 .. 10^3, 10 a decade */
#define GRID_SUB 7
#define GRID_FLOOR_EXP 32
#define GRID_SIDE (2 + (GRID_FLOOR_EXP - 1) * (1 << GRID_SUB))
#define GRID_BUCKETS (2 * GRID_SIDE - 1)


#ifdef OWN_EXP
/* Loss Lens's own e^x for x <= 0 (src/core/loss/exp.ts, the same tables and polynomial), inlined. */
static const double EXP2_HI[128] = {1.0, 1.0054299011128027, 1.0108892860517005, 1.016378314910953, 1.0218971486541166, 1.0274459491187637, 1.0330248790212284, 1.0386341019613787, 1.0442737824274138, 1.0499440858006872, 1.0556451783605572, 1.061377227289262, 1.0671404006768237, 1.0729348675259756, 1.0787607977571199, 1.0846183622133092, 1.0905077326652577, 1.0964290818163769, 1.102382583307841, 1.1083684117236787, 1.1143867425958924, 1.1204377524096067, 1.1265216186082418, 1.1326385195987192, 1.1387886347566916, 1.1449721444318042, 1.1511892299529827, 1.1574400736337511, 1.1637248587775775, 1.1700437696832502, 1.1763969916502812, 1.182784710984341, 1.189207115002721, 1.1956643920398273, 1.202156731452703, 1.2086843236265816, 1.215247359980469, 1.2218460329727576, 1.22848053610687, 1.2351510639369334, 1.241857812073484, 1.2486009771892048, 1.255380757024691, 1.2621973503942507, 1.2690509571917332, 1.275941778396392, 1.2828700160787783, 1.2898358734066657, 1.2968395546510096, 1.3038812651919358, 1.3109612115247644, 1.318079601266064, 1.3252366431597413, 1.3324325470831615, 1.339667524053303, 1.3469417862329458, 1.3542555469368927, 1.3616090206382248, 1.3690024229745905, 1.3764359707545302, 1.383909881963832, 1.3914243757719262, 1.3989796725383112, 1.4065759938190154, 1.4142135623730951, 1.4218926021691656, 1.42961333839197, 1.4373759974489824, 1.4451808069770467, 1.4530279958490526, 1.460917794180647, 1.4688504333369818, 1.4768261459394993, 1.4848451658727524, 1.4929077282912648, 1.5010140696264256, 1.5091644275934228, 1.5173590411982147, 1.5255981507445384, 1.533881997840956, 1.5422108254079407, 1.550584877685, 1.559004400237837, 1.567469639965553, 1.5759808451078865, 1.5845382652524937, 1.593142151342267, 1.6017927556826934, 1.6104903319492543, 1.6192351351948637, 1.6280274218573478, 1.6368674497669644, 1.645755478153965, 1.6546917676561943, 1.6636765803267364, 1.6727101796415966, 1.681792830507429, 1.6909247992693053, 1.7001063537185235, 1.709337763100463, 1.718619298122478, 1.7279512309618377, 1.7373338352737062, 1.746767386199169, 1.7562521603732995, 1.7657884359332727, 1.7753764925265212, 1.785016611318935, 1.7947090750031072, 1.804454167806624, 1.8142521755003989, 1.8241033854070534, 1.8340080864093424, 1.843966568958626, 1.8539791250833855, 1.864046048397789, 1.8741676341103, 1.8843441790323345, 1.8945759815869656, 1.9048633418176741, 1.9152065613971474, 1.925605943636125, 1.9360617934922943, 1.9465744175792332, 1.9571441241754002, 1.9677712232331759, 1.978456026387951, 1.9891988469672663};
static const double EXP2_TAIL[128] = {0.0, 9.447885451727066e-17, -1.507066976926039e-17, -5.679155082825012e-17, 4.9997448722726326e-17, -4.823683599994895e-17, 7.357846871247418e-18, 5.773230223741951e-17, 8.189317638195515e-17, 5.326891139980878e-17, 1.6665881442326747e-18, -1.128113245461828e-17, -7.402825309426177e-17, -3.578659767309563e-18, -6.170654745608695e-17, 2.919139999949279e-17, -2.7939114859515733e-17, -5.399285355184285e-17, 4.776959425256223e-17, -7.927701432338473e-17, 9.341710609905046e-17, -5.534520675707472e-17, 4.585670326662351e-17, 2.8582430411116143e-17, 7.826573258636076e-17, 4.053626906769216e-17, 2.823784425951061e-17, -7.882802262487991e-17, 3.2904726646008416e-17, -1.5792094703347882e-18, 4.721368121170128e-17, 1.3045277096919659e-17, 3.3484623336251524e-17, 3.8611199774925664e-17, 5.527550048505249e-17, -3.927184172445234e-17, -6.346552106729483e-17, -8.684417614865944e-17, -1.5456342819397733e-17, -8.70763476495455e-17, 3.750854201303127e-17, -6.616854503526488e-17, -5.346099009198751e-18, -2.443726321015018e-17, 2.1023049675215714e-18, 7.771067937501065e-17, 1.3357510088834541e-17, 6.938291696959204e-17, 1.9572585293112036e-17, 6.632256961675804e-17, -5.478069123926778e-17, -4.140839310392624e-17, -2.1571477251208752e-17, -3.8287766552120535e-17, 6.663804589232195e-17, 2.3936187400285282e-17, 5.68648095791174e-17, 1.1264523354521684e-18, 7.007875046906994e-17, -5.0119214278381254e-17, -4.8923067513522756e-17, -3.5260089953269434e-17, -6.872303720902018e-17, 5.001446664133532e-18, -6.835808657661922e-17, -1.1307344092910212e-17, -8.416011634717156e-18, -2.9247977035436566e-17, -2.092304381843353e-17, -3.9778645875427124e-17, -3.833464968654295e-17, 5.763611164480894e-17, -2.3591094770850053e-17, 7.260074661098575e-17, 9.50689710108796e-18, -4.272956133839906e-17, -6.735219232374683e-17, -2.8396044410430936e-17, -7.226635472101257e-17, 5.786121003395918e-17, 5.1548301170786783e-17, -9.416257568878152e-18, 2.4253985766689806e-17, -6.604314051707707e-17, -6.432131775424189e-18, -1.2204007601863921e-17, -6.336161863401293e-17, -3.7800879246373815e-17, 1.5341410053603723e-17, 1.2932855580427452e-17, -4.123367330661149e-17, 4.703083974463456e-17, -6.152602891550265e-17, 5.827849326195279e-17, 3.540948262646183e-17, -3.2741571320938764e-17, 4.875160526227062e-17, -5.718569790077838e-17, -4.719539664590972e-18, -5.773451958805706e-17, -1.0772487078934056e-17, -6.221808618533911e-17, 1.821405440362259e-17, -6.155536546227639e-17, 1.685487290628973e-17, 5.3581249177694816e-17, 3.621615935336894e-17, 8.588379527574144e-18, 1.01562190116415e-17, -2.869134889187244e-17, -5.495118966122005e-17, -5.56965572431627e-17, 1.790126907604513e-17, -3.2211766346200164e-17, 5.265370768556274e-17, 3.5089866402403033e-17, -3.266924100901318e-17, -4.3657593008079375e-17, 1.7963932659833022e-17, 3.4300925275214166e-17, -5.545065618639427e-17, -5.149009745457733e-17, 5.336805878514151e-17, 3.498978661192973e-17, 4.5784915277060095e-17, -5.241934575393899e-17, 2.0414278897578303e-17, 4.124842848606488e-18};
static double POW2_NEG[1023];
static inline double exp_np(double x) {
  if (!(x >= -708 && x <= 0)) return exp(x);
  const double SHIFT = 6755399441055744.0;
  double kd = x * (1.4426950408889634 * 128) + SHIFT - SHIFT;
  double r = x + kd * -0.005415212348111709 + kd * -1.2864023111638346e-14;
  int k = (int)kd;
  int j = k & 127;
  double r2 = r * r;
  double hi = EXP2_HI[j];
  double tail = EXP2_TAIL[j] + r + r2 * (0.49999999999996786 + r * 0.16666666666665886) + r2 * r2 * (0.0416666808410674 + r * 0.008333335853059549);
  return (hi + hi * tail) * POW2_NEG[-(k >> 7)];
}
#define EXP exp_np
#else
#define EXP exp
#endif

static double edges[BINS + 1];
static double hist_edges[HIST_BINS + 1];
static int32_t *hist_table;
static uint32_t hist_table_start, hist_table_size;
static uint32_t grid_base;

static inline uint32_t high_word(double x) {
  uint64_t u;
  memcpy(&u, &x, 8);
  return (uint32_t)(u >> 32);
}

typedef struct {
  double count, minLoss, maxLoss, infinite, invalid, correct;
  double hist[HIST_BINS + 4];
  double calCounts[BINS], calSums[4 * BINS];
  double entropy[2], brier[2];
  double grid[3 * GRID_BUCKETS];
  double support[K], classLoss[2 * K], classLossSq[2 * K], classWeight[2 * K], classTrueProb[2 * K], classConf[2 * K];
  double confusion[K * K];
  double cwCounts[K * BINS], cwSums[2 * K * BINS], cwTotals[2 * K];
  double worstLoss[TOPK], worstRow[TOPK];
  int worstSize;
  double contested;
  double sink;
} Acc;

static inline void cadd(double *a, double x) {
  double s = a[0], t = s + x;
  a[1] += fabs(s) >= fabs(x) ? s - t + x : x - t + s;
  a[0] = t;
}

static inline int cal_bin(double c) {
  int last = BINS - 1;
  int m = (int)ceil(c * BINS) - 1;
  if (m < 0) return 0;
  if (m > last) return last;
  if (c <= edges[m] && m > 0) m--;
  else if (m < last && c > edges[m + 1]) m++;
  return m;
}

static inline int hist_slot(double loss) {
  if (loss <= 0) return 0;
  if (loss < hist_edges[0]) return 1;
  if (loss >= hist_edges[HIST_BINS]) return isinf(loss) ? HIST_BINS + 3 : HIST_BINS + 2;
  int j = hist_table[(high_word(loss) >> (20 - 6)) - hist_table_start];
  while (j < HIST_BINS - 1 && loss >= hist_edges[j + 1]) j++;
  return j + 2;
}

static inline int grid_bucket(double c) {
  const double floor_ = 0x1p-32;
  if (c < 0.5) return c >= floor_ ? 1 + (int)((high_word(c) >> (20 - GRID_SUB)) - grid_base) : 0;
  double u = 1 - c;
  return 2 * GRID_SIDE - 2 - (u >= floor_ ? 1 + (int)((high_word(u) >> (20 - GRID_SUB)) - grid_base) : 0);
}

static void heap_place(Acc *a, double loss, double row) {
  /* min-heap on (loss, -row): the root is the least bad kept */
  int i;
  if (a->worstSize < TOPK) {
    i = a->worstSize++;
    a->worstLoss[i] = loss;
    a->worstRow[i] = row;
    while (i > 0) {
      int p = (i - 1) / 2;
      if (!(a->worstLoss[i] < a->worstLoss[p] || (a->worstLoss[i] == a->worstLoss[p] && a->worstRow[i] > a->worstRow[p]))) break;
      double t = a->worstLoss[i]; a->worstLoss[i] = a->worstLoss[p]; a->worstLoss[p] = t;
      t = a->worstRow[i]; a->worstRow[i] = a->worstRow[p]; a->worstRow[p] = t;
      i = p;
    }
  } else {
    a->worstLoss[0] = loss;
    a->worstRow[0] = row;
    i = 0;
    for (;;) {
      int l = 2 * i + 1, r = l + 1, c;
      if (l >= TOPK) break;
      c = (r < TOPK && (a->worstLoss[r] < a->worstLoss[l] || (a->worstLoss[r] == a->worstLoss[l] && a->worstRow[r] > a->worstRow[l]))) ? r : l;
      if (!(a->worstLoss[c] < a->worstLoss[i] || (a->worstLoss[c] == a->worstLoss[i] && a->worstRow[c] > a->worstRow[i]))) break;
      double t = a->worstLoss[i]; a->worstLoss[i] = a->worstLoss[c]; a->worstLoss[c] = t;
      t = a->worstRow[i]; a->worstRow[i] = a->worstRow[c]; a->worstRow[c] = t;
      i = c;
    }
  }
}

typedef struct {
  const float *z;
  const int64_t *y;
  size_t from, to;
  int mode;
  Acc *acc;
  double cpu;
} Job;

static double thread_cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *work(void *arg) {
  Job *job = arg;
  Acc *a = job->acc;
  double c0 = thread_cpu();
  const float *zs = job->z;
  const int64_t *ys = job->y;
  double firstUpper = edges[1];
  if (job->mode == 2) {
    double s = 0;
    for (size_t i = job->from; i < job->to; i++) {
      s += (double)ys[i];
      for (int k = 0; k < K; k++) s += (double)zs[i * K + k];
    }
    a->sink = s;
    job->cpu = thread_cpu() - c0;
    return NULL;
  }
  for (size_t i = job->from; i < job->to; i++) {
    int64_t t = ys[i];
    double z[K], p[K];
    int ok = t >= 0 && t < K;
    for (int k = 0; k < K; k++) {
      z[k] = (double)zs[i * K + k];
      ok &= isfinite(z[k]);
    }
    if (!ok) { a->invalid++; continue; }
    double max = -INFINITY;
    for (int k = 0; k < K; k++) if (z[k] > max) max = z[k];
    double sumExp = 0;
    for (int k = 0; k < K; k++) { p[k] = EXP(z[k] - max); sumExp += p[k]; }
    double pz = 0, conf = 0;
    int pred = 0;
    for (int k = 0; k < K; k++) {
      double q = p[k] / sumExp;
      p[k] = q;
      pz += q * (z[k] - max);
      if (k == 0) conf = q;
      else if (q > conf) { conf = q; pred = k; }
    }
    double logSum = log(sumExp);
    double h = logSum - pz;
    if (!(h > 0)) h = 0;
    double loss = 0 - ((z[t] - max) - logSum) + 0;
    double pt = p[t];
    if (job->mode == 1) { a->sink += loss + h + conf + pred; continue; }
    if (pt < 1e-4 || pt > 1 - 1e-6) a->contested++;
    /* count, min / max, histogram */
    a->count++;
    if (isinf(loss)) a->infinite++;
    if (loss < a->minLoss) a->minLoss = loss;
    if (loss > a->maxLoss) a->maxLoss = loss;
    a->hist[hist_slot(loss)]++;
    /* top-label calibration, entropy */
    int correct = t == pred;
    int m = cal_bin(conf);
    a->calCounts[m]++;
    cadd(&a->calSums[4 * m], conf);
    if (correct) cadd(&a->calSums[4 * m + 2], 1);
    cadd(a->entropy, h);
    /* fine grid */
    int g = 3 * grid_bucket(conf);
    a->grid[g]++;
    a->grid[g + 1] += conf;
    a->grid[g + 2] += correct;
    /* classes, confusion */
    a->correct += correct;
    a->support[t]++;
    cadd(&a->classLoss[2 * t], loss);
    cadd(&a->classLossSq[2 * t], loss * loss);
    cadd(&a->classWeight[2 * t], 1);
    cadd(&a->classTrueProb[2 * t], pt);
    cadd(&a->classConf[2 * pred], conf);
    a->confusion[t * K + pred]++;
    /* class-wise calibration, Brier */
    double squares = 0;
    for (int k = 0; k < K; k++) {
      double q = p[k];
      a->cwTotals[2 * k] += q;
      squares += q * q;
      if (q > firstUpper) {
        int cell = k * BINS + cal_bin(q);
        a->cwCounts[cell]++;
        a->cwSums[2 * cell] += q;
        if (k == t) a->cwSums[2 * cell + 1]++;
      }
    }
    a->cwTotals[2 * t + 1]++;
    cadd(a->brier, squares - pt * pt + (1 - pt) * (1 - pt));
    /* worst k */
    double row = (double)i;
    if (a->worstSize < TOPK || loss > a->worstLoss[0] || (loss == a->worstLoss[0] && row < a->worstRow[0])) heap_place(a, loss, row);
  }
  job->cpu = thread_cpu() - c0;
  return NULL;
}

static const void *map_npy(const char *path, size_t *data_bytes, size_t *file_bytes) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) { perror(path); exit(1); }
  struct stat st;
  fstat(fd, &st);
  const uint8_t *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) { perror("mmap"); exit(1); }
  if (memcmp(m, "\x93NUMPY", 6) != 0 || m[6] != 1) { fprintf(stderr, "%s: not an .npy v1\n", path); exit(1); }
  size_t header = 10 + (m[8] | (m[9] << 8));
  *data_bytes = st.st_size - header;
  *file_bytes = st.st_size;
  close(fd);
  return m + header;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: bound LOGITS.npy LABELS.npy THREADS [full|loss|read]\n"); return 2; }
  int threads = atoi(argv[3]);
  int mode = argc > 4 ? (strcmp(argv[4], "loss") == 0 ? 1 : strcmp(argv[4], "read") == 0 ? 2 : 0) : 0;
#ifdef OWN_EXP
  POW2_NEG[0] = 1;
  for (int i = 1; i < 1023; i++) POW2_NEG[i] = POW2_NEG[i - 1] * 0.5;
#endif
  for (int m = 0; m < BINS; m++) edges[m] = m * (1.0 / BINS);
  edges[BINS] = 1;
  for (int j = 0; j <= HIST_BINS; j++) {
    int steps = -8 * 10 + j;
    hist_edges[j] = steps % 10 == 0 ? pow(10, steps / 10) : pow(10, steps / 10.0);
  }
  hist_table_start = high_word(hist_edges[0]) >> 14;
  hist_table_size = (high_word(hist_edges[HIST_BINS]) >> 14) - hist_table_start + 1;
  hist_table = calloc(hist_table_size, sizeof(int32_t));
  for (uint32_t i = 0, j = 0; i < hist_table_size; i++) {
    uint64_t u = (uint64_t)((hist_table_start + i) << 14) << 32;
    double start;
    memcpy(&start, &u, 8);
    while (j < HIST_BINS - 1 && start >= hist_edges[j + 1]) j++;
    hist_table[i] = j;
  }
  grid_base = high_word(0x1p-32) >> (20 - GRID_SUB);

  double t0 = now();
  size_t zb, yb, zf, yf;
  const float *z = map_npy(argv[1], &zb, &zf);
  const int64_t *y = map_npy(argv[2], &yb, &yf);
  size_t rows = yb / 8;
  if (zb != rows * K * 4) { fprintf(stderr, "logits are not %zu x %d float32\n", rows, K); return 1; }
  pthread_t tid[64];
  Job jobs[64];
  for (int t = 0; t < threads; t++) {
    Acc *a = calloc(1, sizeof(Acc));
    a->minLoss = INFINITY;
    a->maxLoss = -INFINITY;
    jobs[t] = (Job){ z, y, rows * t / threads, rows * (t + 1) / threads, mode, a, 0 };
    pthread_create(&tid[t], NULL, work, &jobs[t]);
  }
  double cpu = 0;
  for (int t = 0; t < threads; t++) { pthread_join(tid[t], NULL); cpu += jobs[t].cpu; }
  /* The merge: a few thousand additions, as the JS host's (sums and counts; the heaps re-offered). */
  Acc *a = jobs[0].acc;
  for (int t = 1; t < threads; t++) {
    Acc *b = jobs[t].acc;
    double lo = fmin(a->minLoss, b->minLoss), hi = fmax(a->maxLoss, b->maxLoss);
    double *da = (double *)a, *db = (double *)b;
    for (size_t i = 0; i < offsetof(Acc, worstLoss) / 8; i++) da[i] += db[i];
    a->minLoss = lo;
    a->maxLoss = hi;
    for (int i = 0; i < b->worstSize; i++) heap_place(a, b->worstLoss[i], b->worstRow[i]);
    a->sink += b->sink;
  }
  double wall = now() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double mb = (zf + yf) / 1e6;
  /* The mean loss, to check the pass against the CLI's (equal to ~1e-15: libm's exp is not Loss Lens's). */
  double mean = 0;
  for (int k = 0; k < K; k++) mean += a->classLoss[2 * k] + a->classLoss[2 * k + 1];
  const char *names[] = { "full", "loss", "read" };
  printf("%s threads=%d rows=%zu wall=%.3f s cpu(threads)=%.3f s ns/row/thread=%.1f MB/s=%.0f peakRSS=%.0f MB",
         names[mode], threads, rows, wall, cpu, cpu * 1e9 / rows, mb / wall, ru.ru_maxrss / 1024.0);
  if (mode == 0) printf(" mean=%.17g", mean / a->count);
  else printf(" sink=%g", a->sink);
  printf("\n");
  return 0;
}
