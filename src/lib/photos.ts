/**
 * Photos of pupils' work are resized on the device before they are stored, so a walk with a dozen
 * photos stays small enough to sync over a poor connection.
 */
export const MAX_PHOTO_EDGE = 1600;

export async function resizePhoto(file: Blob, maxEdge = MAX_PHOTO_EDGE): Promise<Blob> {
	// A file that is not a picture (or one this browser cannot read) is refused in words a person
	// can act on, not the browser's own ("The source image could not be decoded").
	const bitmap = await createImageBitmap(file).catch(() => {
		throw new Error('It is not a picture this device can open: choose a photo, such as a JPEG.');
	});
	const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
	const width = Math.round(bitmap.width * scale);
	const height = Math.round(bitmap.height * scale);
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	const context = canvas.getContext('2d');
	if (!context) throw new Error('This browser cannot resize photos.');
	context.drawImage(bitmap, 0, 0, width, height);
	bitmap.close();
	return new Promise((resolve, reject) =>
		canvas.toBlob(
			(blob) => (blob ? resolve(blob) : reject(new Error('The photo could not be resized.'))),
			'image/jpeg',
			0.8
		)
	);
}
