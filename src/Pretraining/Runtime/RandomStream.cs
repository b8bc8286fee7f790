namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Every independent source of randomness in a run, named in one place. <see cref="RunContext.CreateGenerator(RandomStream, long)"/>
/// derives a generator from the run's seed and the stream (plus a key, e.g. a layer's shape), so each consumer's draws
/// are repeatable and do not depend on what any other consumer drew, in what order, or in which thread: two runs in one
/// process (<c>pretrain serve --parallel</c>) give the same results as each alone. Nothing in Pretrain uses libtorch's
/// global generator. The numbers are part of the results: changing one changes what a seed reproduces.
/// </summary>
public enum RandomStream
{
    /// <summary>The order of training examples in supervised training.</summary>
    SupervisedShuffle = 1,

    /// <summary>
    /// Initial weights of the supervised network and the seeds of its dropout masks (key 0: the recipe's network, 1: the
    /// scratch comparison).
    /// </summary>
    NetworkInitialization = 3,

    /// <summary>The linear probe's classifier (key 0: pretrained features, 1: raw inputs).</summary>
    ProbeInitialization = 5,

    /// <summary>A classifier built by the library's <c>PretrainedModel.CreateClassifier</c>.</summary>
    LibraryClassifier = 6,

    /// <summary>The random shifts, flips and erasures of image augmentation in supervised training.</summary>
    SupervisedAugmentation = 7,

    /// <summary>
    /// Which training examples estimate the statistics of batch normalizations inserted after pretrained layers: a
    /// shuffled sample, so that data stored in class order (an image folder written as shards) is not calibrated on
    /// one class.
    /// </summary>
    BatchNormCalibration = 8,

    /// <summary>The order of the unlabeled examples in consistency training.</summary>
    ConsistencyShuffle = 9,

    /// <summary>The strong changes of the unlabeled images in consistency training.</summary>
    ConsistencyAugmentation = 10,

    /// <summary>The order of instances in auxiliary-task training.</summary>
    AuxiliaryShuffle = 501,

    /// <summary>The corruptions drawn while training an auxiliary task.</summary>
    AuxiliaryCorruption = 502,

    /// <summary>The fixed corruptions of the held-out score, drawn anew from the same seed every epoch.</summary>
    AuxiliaryHeldOut = 503,

    /// <summary>Which instances are held out of auxiliary training.</summary>
    AuxiliarySplit = 504,

    /// <summary>The auxiliary encoder's initial weights (image and feature data).</summary>
    AuxiliaryEncoder = 601,

    /// <summary>The auxiliary task's head.</summary>
    AuxiliaryHead = 602,

    /// <summary>The order of documents when training a document classifier.</summary>
    DocumentShuffle = 701,

    /// <summary>Dropout masks on the pooled features of a document classifier.</summary>
    DocumentDropout = 702,

    /// <summary>The text window encoder's initial weights.</summary>
    TextEncoder = 801,

    /// <summary>The text auxiliary task's head.</summary>
    TextHead = 802,

    /// <summary>The from-scratch document classifier's encoder.</summary>
    TextScratch = 803,

    /// <summary>The document classifiers' heads.</summary>
    TextClassifierHead = 804,

    /// <summary>Autoencoder layers; the key is derived from the layer's shape (see <see cref="RandomStreams.LayerKey"/>), offsets 0-2.</summary>
    AutoencoderLayer = 1000,

    /// <summary>RBM layers; the key is derived from the layer's shape, offsets 0-3.</summary>
    RbmLayer = 2000,

    /// <summary>Convolutional autoencoder layers; the key is derived from the layer's shape, offsets 0-2.</summary>
    ConvAutoencoderLayer = 3000,

    /// <summary>Convolutional RBM layers; the key is derived from the layer's shape, offsets 0-2.</summary>
    ConvRbmLayer = 4000,
}

/// <summary>Keys that separate the generators of streams used more than once in a run.</summary>
public static class RandomStreams
{
    /// <summary>
    /// The key of a pretrained layer's generator number <paramref name="offset"/> (initialization, noise, shuffling...):
    /// layers of different shapes draw independently.
    /// </summary>
    public static long LayerKey(int hiddenUnits, long inputWidth, int offset) => 7919L * hiddenUnits + inputWidth + offset;
}
